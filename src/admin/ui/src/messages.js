// The API's 400 messages name fields as the JSON does
// ("content.questions[0].id must be ..."): precise for scripts, opaque to a
// person. readable() words the ones the pages can cause for the person,
// naming the field by its label; others pass through as they are.

const CONTENT_LABELS = {
  subject: 'Subject',
  sender_name: 'Sender name',
  language: 'Language',
  brand_color: 'Brand colour',
  score_colors: 'Score button colours',
  logo_url: 'Logo',
  greeting: 'Greeting',
  greeting_no_name: 'Greeting without a name',
  intro: 'Introduction',
  question: 'Question',
  low_label: 'Label under 0',
  high_label: 'Label under 10',
  footer: 'Footer',
  unsubscribe_text: 'Unsubscribe link text',
  title: 'Title',
  followup_detractor: 'Follow-up question, scores 0–6',
  followup_passive: 'Follow-up question, scores 7–8',
  followup_promoter: 'Follow-up question, scores 9–10',
  tags_intro: 'Above the tag ratings',
  rating_low_label: 'Rating label, 1',
  rating_high_label: 'Rating label, 5',
  consent_text: 'Consent to be quoted',
  submit_label: 'Submit button',
  thank_you: 'Thank-you text',
  review_url: 'Review link address',
  review_text: 'Review link text',
  expired_text: 'Expired link',
  unsubscribe_question: 'Unsubscribe page: question',
  unsubscribe_button: 'Unsubscribe page: button',
  unsubscribed_text: 'After unsubscribing',
};

// "must be at most 200 bytes" -> "is too long (at most 200 bytes)"; the
// rest of the server's wording is already plain English.
function predicate(rest) {
  const long = /^must be at most (\d+) bytes$/.exec(rest);
  if (long) return `is too long (at most ${long[1]} characters, fewer with accents or emoji)`;
  return rest;
}

// "content.greeting", "content.questions[1].text", "content.tags[0]".
function fieldLabel(path) {
  const q = /^questions\[(\d+)\]/.exec(path);
  if (q) return `Extra question ${Number(q[1]) + 1}`;
  const t = /^tags\[(\d+)\]/.exec(path);
  if (t) return `Tag ${Number(t[1]) + 1}`;
  return CONTENT_LABELS[path.replace(/\[.*$/, '')] || path;
}

const RULES = [
  [/^content\.(\S+) holds (.+), which is not a placeholder.*$/s,
    (m) => `${fieldLabel(m[1])}: ${m[2]} is not a placeholder, so customers would read it as written. The only placeholder is {first_name}, in the greeting.`],
  [/^content\.(\S+) holds (.+), which is replaced in the greeting only.*$/s,
    (m) => `${fieldLabel(m[1])}: ${m[2]} is replaced in the greeting only; here customers would read it as written.`],
  [/^display_text must not be empty$/, () => 'The text to show cannot be empty.'],
  [/^display_text may only shorten the comment.*"(.*)" is not in it$/s,
    (m) => `You may shorten the quote but not change its words: “${m[1]}” is not in the customer’s comment. Mark the cuts with … (an ellipsis).`],
  [/^content\.questions\[(\d+)\]\.text is required$/, (m) => `Extra question ${Number(m[1]) + 1} needs a text.`],
  [/^content\.questions\[(\d+)\]\.id repeats "(.*)"$/, (m) => `Extra question ${Number(m[1]) + 1} is the same as an earlier one (“${m[2]}”).`],
  [/^content\.questions\[(\d+)\](?:\.(\w+))? (.*)$/, (m) => `Extra question ${Number(m[1]) + 1}${m[2] === 'id' ? ' (its internal name)' : ''} ${predicate(m[3])}.`],
  [/^content\.tags\[(\d+)\] repeats "(.*)"$/, (m) => `Tag ${Number(m[1]) + 1} repeats “${m[2]}”: each tag once.`],
  [/^content\.tags\[(\d+)\] must not be empty$/, (m) => `Tag ${Number(m[1]) + 1} is empty.`],
  [/^content\.tags\[(\d+)\] (.*)$/, (m) => `Tag ${Number(m[1]) + 1} ${predicate(m[2])}.`],
  [/^content\.brand_color .*$/, () => 'Brand colour: use the form #rrggbb, e.g. #4f46e5.'],
  // Alerts and the reply-to address (the Alerts card).
  [/^alerts\.recipients\[(\d+)\] (.*)$/, (m) => `Alert recipient ${Number(m[1]) + 1} ${m[2]}.`],
  [/^alerts\.recipients must be .*$/, () => 'Alert recipients: at most 20 addresses, one per line.'],
  [/^alerts\.on must be .*$/, () => 'Choose which answers send an alert.'],
  [/^reply_to (.*)$/, (m) => `Reply-to address ${m[1]}.`],
  [/^content\.(\w+) (.*)$/, (m) => (CONTENT_LABELS[m[1]] ? `${CONTENT_LABELS[m[1]]} ${predicate(m[2])}.` : m[0])],
];

export function readable(message) {
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(message || '');
    if (m) return say(m).replace(/\.\.$/, '.');
  }
  return message;
}

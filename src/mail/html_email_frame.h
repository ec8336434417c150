// The frame every HTML email of Callexa shares: the document head, then a
// white card at most 600 px wide centred on grey, laid out with tables
// (with Outlook's fixed-width fallback), so that every client renders it.
#ifndef CALLEXA_MAIL_HTML_EMAIL_FRAME_H_
#define CALLEXA_MAIL_HTML_EMAIL_FRAME_H_

#include <string>
#include <string_view>

namespace callexa {

// From <!DOCTYPE html> to the opened <body>: `language` (already escaped
// or known) in <html lang>, `title` escaped into <title>.
std::string HtmlEmailHead(std::string_view language, std::string_view title);

// Opens the card: the caller adds its rows (<tr>...</tr>), then
// HtmlEmailCardEnd closes the card, the body and the document.
std::string HtmlEmailCardStart();
std::string HtmlEmailCardEnd();

}  // namespace callexa

#endif  // CALLEXA_MAIL_HTML_EMAIL_FRAME_H_

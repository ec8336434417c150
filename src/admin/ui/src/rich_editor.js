// The rich-text control for intro, footer and thank-you texts: Tiptap with
// exactly the nodes the server accepts (paragraphs, bold, italic, links,
// hard breaks). It emits ProseMirror JSON; the module validates it and
// renders the email-safe HTML and the plain text itself.
import { Editor } from '@tiptap/core';
import Bold from '@tiptap/extension-bold';
import Document from '@tiptap/extension-document';
import HardBreak from '@tiptap/extension-hard-break';
import Italic from '@tiptap/extension-italic';
import Link from '@tiptap/extension-link';
import Paragraph from '@tiptap/extension-paragraph';
import Text from '@tiptap/extension-text';
import { UndoRedo } from '@tiptap/extensions';

import { h, newId } from './dom.js';

const ALLOWED_LINK = /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i;

// A document of plain text: a blank line starts a paragraph, a line break
// is a hard break (how the server reads a plain string).
export function docFromText(text) {
  const paragraphs = String(text || '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '');
  return {
    type: 'doc',
    content: paragraphs.map((p) => {
      const content = [];
      p.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line) content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    }),
  };
}

export function toDoc(value) {
  if (value && typeof value === 'object' && value.type === 'doc') return value;
  return docFromText(value);
}

export function isEmptyDoc(doc) {
  return !doc || !doc.content || doc.content.every((p) => !p.content || p.content.length === 0);
}

function toolButton(label, title, run, isActive) {
  const b = h('button', { type: 'button', class: 'tool', title, 'aria-label': title, 'aria-pressed': 'false' }, label);
  b.addEventListener('mousedown', (e) => e.preventDefault());
  b.addEventListener('click', run);
  b.update = (editor) => b.setAttribute('aria-pressed', String(Boolean(isActive && isActive(editor))));
  return b;
}

// A labelled editor. onChange receives the document on every change.
export function richEditor({ label, value, onChange, autofocus }) {
  const labelId = newId('rich');
  const area = h('div', { class: 'rich-area' });
  const linkInput = h('input', {
    type: 'url',
    class: 'rich-link-input',
    placeholder: 'https://… or mailto:…',
    'aria-label': 'Link address',
  });
  const linkError = h('span', { class: 'rich-link-error', role: 'alert' });
  const linkRow = h('div', { class: 'rich-link', hidden: true }, linkInput);
  let editor = null;

  const applyLink = () => {
    const href = linkInput.value.trim();
    if (href === '') {
      editor.chain().focus().extendMarkRange('link').unsetLink().run();
    } else if (!ALLOWED_LINK.test(href)) {
      linkError.textContent = 'Links must start with http://, https:// or mailto:';
      return;
    } else {
      editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
    }
    linkError.textContent = '';
    linkRow.hidden = true;
  };
  linkInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      applyLink();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      linkRow.hidden = true;
      editor.commands.focus();
    }
  });
  linkRow.append(
    h('button', { type: 'button', class: 'btn btn-small', onclick: applyLink }, 'Apply'),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-quiet',
        onclick: () => {
          linkInput.value = '';
          applyLink();
        },
      },
      'Remove link',
    ),
    linkError,
  );

  const tools = [
    toolButton('B', 'Bold (Ctrl+B)', () => editor.chain().focus().toggleBold().run(), (e) => e.isActive('bold')),
    toolButton('I', 'Italic (Ctrl+I)', () => editor.chain().focus().toggleItalic().run(), (e) => e.isActive('italic')),
    toolButton('Link', 'Link', () => {
      linkInput.value = editor.getAttributes('link').href || '';
      linkRow.hidden = false;
      linkInput.focus();
    }, (e) => e.isActive('link')),
  ];
  tools[0].classList.add('tool-bold');
  tools[1].classList.add('tool-italic');
  const toolbar = h('div', { class: 'rich-toolbar', role: 'toolbar', 'aria-label': `${label}: formatting` }, tools);
  const refreshTools = () => tools.forEach((t) => t.update(editor));

  editor = new Editor({
    element: area,
    extensions: [
      Document,
      Paragraph,
      Text,
      Bold,
      Italic,
      HardBreak,
      UndoRedo,
      Link.configure({
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        protocols: ['mailto'],
        HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
        isAllowedUri: (url) => ALLOWED_LINK.test(url),
      }),
    ],
    content: toDoc(value),
    autofocus: autofocus ? 'end' : false,
    editorProps: {
      attributes: {
        class: 'rich-content',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-labelledby': labelId,
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.getJSON()),
    onSelectionUpdate: refreshTools,
    onTransaction: refreshTools,
  });

  const root = h('div', { class: 'rich' }, h('span', { class: 'rich-label', id: labelId }, label), toolbar, linkRow, area);
  root.editor = editor;
  root.focus = () => editor.commands.focus('end');
  root.destroy = () => editor.destroy();
  return root;
}

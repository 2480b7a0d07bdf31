import sanitizeHtml from 'sanitize-html';

// A customer's HTML is hostile. It is sanitized once when the mail is stored (what the API
// returns) and again when it is served as a document (what the console frames): no scripts,
// event handlers, styles, forms, frames or objects, and nothing remote loads unless asked for.

const allowedTags = [...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'), 'img', 'font', 'center', 'u', 's', 'strike', 'small', 'big'];

const base: sanitizeHtml.IOptions = {
  allowedTags,
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['alt', 'title', 'width', 'height', 'data-remote-src'],
    td: ['colspan', 'rowspan', 'align', 'valign'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'scope'],
    table: ['align', 'width'],
    p: ['align'],
    div: ['align'],
    font: ['color'],
    '*': ['dir', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images may only be inline data; remote ones are parked in data-remote-src.
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Script and style bodies are dropped with their tags, never kept as text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
};

const REMOTE = /^(https?:)?\/\//i;

/** Sanitize inbound HTML; remote image sources move to data-remote-src (not loaded). */
export function sanitizeEmailHtml(html: string): { html: string; remoteContent: boolean } {
  let remoteContent = false;
  const out = sanitizeHtml(html, {
    ...base,
    transformTags: {
      img: (tagName, attribs) => {
        const { src, ...rest } = attribs;
        if (src && REMOTE.test(src)) {
          remoteContent = true;
          return { tagName, attribs: { ...rest, 'data-remote-src': src.startsWith('//') ? `https:${src}` : src } };
        }
        // cid: and other schemes are not served; data: stays (sanitize-html checks the scheme).
        return { tagName, attribs: src && /^data:image\/(png|jpe?g|gif|webp);/i.test(src) ? { ...rest, src } : rest };
      },
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
    },
    allowedAttributes: { ...base.allowedAttributes, a: ['href', 'title', 'rel', 'target'] },
  });
  return { html: out, remoteContent };
}

/** Stored (already sanitized) HTML as the console frames it; with `remote`, remote images load. */
export function renderStoredHtml(stored: string, remote: boolean): string {
  return sanitizeHtml(stored, {
    ...base,
    allowedAttributes: { ...base.allowedAttributes, a: ['href', 'title', 'rel', 'target'], img: ['alt', 'title', 'width', 'height', 'src', 'data-remote-src'] },
    allowedSchemesByTag: { img: remote ? ['data', 'http', 'https'] : ['data'] },
    transformTags: remote
      ? {
          img: (tagName, attribs) => {
            const { 'data-remote-src': src, ...rest } = attribs;
            return { tagName, attribs: src ? { ...rest, src } : rest };
          },
        }
      : {},
  });
}

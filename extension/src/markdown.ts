// Model output → HTML that is safe to put in the chat webview. markdown-it runs with raw HTML
// off, and sanitize-html then keeps only a small allow-list, so a reply containing <script>,
// event handlers or javascript: links renders as inert text.
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import typescript from "highlight.js/lib/languages/typescript";

for (const [name, language] of Object.entries({ bash, diff, go, javascript, json, python, rust, typescript })) {
  hljs.registerLanguage(name, language);
}
hljs.registerAliases(["sh", "shell", "console"], { languageName: "bash" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["js", "jsx"], { languageName: "javascript" });
hljs.registerAliases(["ts", "tsx"], { languageName: "typescript" });

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const md: MarkdownIt = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  highlight(code, lang) {
    const language = lang && hljs.getLanguage(lang) ? lang : undefined;
    const body = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
    return `<pre class="code-block"><code class="hljs${language ? ` language-${escapeHtml(language)}` : ""}">${body}</code></pre>`;
  },
});

const SAFE_CLASS = /^(hljs(-[\w-]+)?|language-[\w+#.-]+|code-block|[\w-]+_)$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "span", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: {
    a: ["href", "title"],
    span: ["class"],
    code: ["class"],
    pre: ["class"],
    ol: ["start"],
    th: ["style"],
    td: ["style"],
  },
  allowedStyles: { th: { "text-align": [/^(left|right|center)$/] }, td: { "text-align": [/^(left|right|center)$/] } },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "escape",
  transformTags: {
    // Every surviving class must be one the stylesheet knows.
    "*": (tagName, attribs) => {
      if (attribs.class) {
        const kept = attribs.class.split(/\s+/).filter((c) => SAFE_CLASS.test(c));
        if (kept.length) {
          attribs.class = kept.join(" ");
        } else {
          delete attribs.class;
        }
      }
      return { tagName, attribs };
    },
  },
};

export function sanitize(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

export function renderMarkdown(text: string): string {
  return sanitize(md.render(text));
}

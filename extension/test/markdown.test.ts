import assert from "node:assert/strict";
import { test } from "node:test";
import { renderMarkdown, sanitize } from "../src/markdown";

const INJECTIONS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "<iframe src=https://evil.example></iframe>",
  "<a href=\"https://x\" onclick=\"alert(1)\">x</a>",
  "<svg onload=alert(1)>",
  "<style>body{display:none}</style>",
  "```html\n<script>alert(1)</script>\n```",
  "![x](https://evil.example/pixel.png)",
  "<details open ontoggle=alert(1)>",
];

test("model output with HTML or script renders inert", () => {
  for (const input of INJECTIONS) {
    const html = renderMarkdown(input);
    assert.doesNotMatch(html, /<(script|img|iframe|svg|style|details)\b/i, input);
    assert.doesNotMatch(html, /<[^>]*\son\w+\s*=/i, input); // an event handler inside a real tag
    assert.doesNotMatch(html, /href="\s*(javascript|data):/i, input);
  }
});

test("raw HTML shows as text", () => {
  assert.match(renderMarkdown("<b>bold</b> and <script>x()</script>"), /&lt;b&gt;bold&lt;\/b&gt;.*&lt;script&gt;/);
});

test("the sanitiser itself strips what markdown-it could never produce", () => {
  const html = sanitize('<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:alert(1)">l</a><span class="hljs-keyword evil">k</span>');
  assert.equal(html, '<p>a</p>&lt;script&gt;alert(1)&lt;/script&gt;<a>l</a><span class="hljs-keyword">k</span>');
});

test("markdown renders: emphasis, lists, links, highlighted code", () => {
  const html = renderMarkdown("**Bold** and `code`\n\n- one\n- two\n\n[docs](https://example.com)\n\n```python\ndef f():\n    return 1\n```");
  assert.match(html, /<strong>Bold<\/strong>/);
  assert.match(html, /<code>code<\/code>/);
  assert.match(html, /<li>one<\/li>/);
  assert.match(html, /<a href="https:\/\/example.com">docs<\/a>/);
  assert.match(html, /<pre class="code-block"><code class="hljs language-python"><span class="hljs-keyword">def<\/span>/);
});

test("unknown code languages are escaped, not highlighted", () => {
  const html = renderMarkdown("```nosuchlang\n<b>x</b>\n```");
  assert.match(html, /<code class="hljs">&lt;b&gt;x&lt;\/b&gt;/);
});

/**
 * A small parser for the report's HTML (and its inline SVG), for tests: the
 * report closes every element and self-closes void ones, so a strict
 * tag-by-tag reading builds its tree; anything unbalanced is an error here,
 * which is a test failure worth having.
 */

export interface HtmlElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly (HtmlElement | string)[];
}

const VOID = new Set(['meta', 'br', 'img', 'link', 'input', 'hr']);
/** Elements whose content is raw text. */
const RAW = new Set(['style', 'script']);

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Parses a whole document; the root element returned is a synthetic `#document`. */
export function parseHtml(html: string): HtmlElement {
  const root = { tag: '#document', attrs: {}, children: [] as (HtmlElement | string)[] };
  const stack: { tag: string; attrs: Record<string, string>; children: (HtmlElement | string)[] }[] = [root];
  const tokens =
    /<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|<\/([a-zA-Z][\w-]*)\s*>|<([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)/g;
  let match: RegExpExecArray | null = tokens.exec(html);
  while (match !== null) {
    const [whole, closing, opening, attrText, selfClosing, text] = match;
    const top = stack[stack.length - 1] as (typeof stack)[number];
    if (text !== undefined) {
      if (text.trim() !== '') top.children.push(decode(text));
    } else if (closing !== undefined) {
      if (top.tag !== closing) throw new Error(`</${closing}> closes <${top.tag}> at ${match.index}`);
      stack.pop();
    } else if (opening !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(/([\w:-]+)(?:="([^"]*)")?/g))
        attrs[a[1] as string] = decode(a[2] ?? '');
      const element = { tag: opening, attrs, children: [] as (HtmlElement | string)[] };
      top.children.push(element);
      if (RAW.has(opening)) {
        const end = html.indexOf(`</${opening}>`, tokens.lastIndex);
        element.children.push(html.slice(tokens.lastIndex, end));
        tokens.lastIndex = end + `</${opening}>`.length;
      } else if (selfClosing !== '/' && !VOID.has(opening)) stack.push(element);
    } else if (!whole.startsWith('<!')) throw new Error(`cannot read ${whole.slice(0, 40)}`);
    match = tokens.exec(html);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]?.tag}> is never closed`);
  return root;
}

/** Every element under `node` (depth first) that `test` accepts. */
export function findAll(node: HtmlElement, test: (e: HtmlElement) => boolean): HtmlElement[] {
  const found: HtmlElement[] = [];
  for (const child of node.children) {
    if (typeof child === 'string') continue;
    if (test(child)) found.push(child);
    found.push(...findAll(child, test));
  }
  return found;
}

/** The element with this id; an error when there is none. */
export function byId(node: HtmlElement, id: string): HtmlElement {
  const [found] = findAll(node, (e) => e.attrs.id === id);
  if (found === undefined) throw new Error(`no element with id ${id}`);
  return found;
}

/** The text of an element, its descendants' included, whitespace collapsed. */
export function textOf(node: HtmlElement | string): string {
  if (typeof node === 'string') return node;
  return node.children.map(textOf).join(' ').replace(/\s+/g, ' ').trim();
}

/** A table's body rows as cell texts (a "none" row is no row). */
export function tableRows(table: HtmlElement): string[][] {
  const [body] = findAll(table, (e) => e.tag === 'tbody');
  if (body === undefined) throw new Error('the table has no tbody');
  return findAll(body, (e) => e.tag === 'tr')
    .map((tr) => findAll(tr, (e) => e.tag === 'td').map(textOf))
    .filter((cells) => !(cells.length === 1 && cells[0] === 'none'));
}

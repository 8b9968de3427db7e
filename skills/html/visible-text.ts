/**
 * What a person sees of an HTML mail or page, and nothing else. Text an attacker hides from
 * the reader (display:none, visibility:hidden, zero font size or box, white on white, the
 * `hidden` attribute, aria-hidden, comments, scripts, styles) is exactly what would speak to a
 * model unseen, so it is removed before any text is taken. One function for mail and the web:
 * `dropHiddenElements` on a parsed document, `visibleText` from an HTML string.
 *
 * The tree comes from linkedom: nothing runs and nothing remote is loaded.
 */
import { createRequire } from 'node:module';

let linkedom: typeof import('linkedom') | undefined;

/**
 * linkedom's `parseHTML`, loaded at the first page or HTML mail: its ~125 modules cost a daemon
 * start about 0.2 s and 15 MB that most starts never need.
 */
export function parseHtml(html: string): ReturnType<typeof import('linkedom').parseHTML> {
  linkedom ??= createRequire(import.meta.url)('linkedom') as typeof import('linkedom');
  return linkedom.parseHTML(html);
}

interface Node {
  nodeType: number;
  parentNode: Node | null;
  childNodes: ArrayLike<Node>;
  remove(): void;
}
interface Element extends Node {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelectorAll(selector: string): ArrayLike<Element>;
}
export interface HtmlDocument {
  documentElement: Element;
  body: Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
}

const ELEMENT_NODE = 1;
const COMMENT_NODE = 8;

/** Never reading matter, whatever their style. */
const INERT = 'script, style, noscript, template, iframe, frame, object, embed, input[type="hidden" i]';

/** Rules in the document's own `<style>` blocks that hide what they select, e.g. `.x { display: none }`. */
const STYLE_RULE = /([^{}]+)\{([^{}]*)\}/g;

/**
 * Removes from `document` every element a reader would not see and every comment. Returns how
 * many elements were removed (for a note). Never throws on odd HTML or unsupported selectors.
 */
export function dropHiddenElements(document: HtmlDocument): number {
  let removed = 0;
  // Selectors from <style> blocks first: the blocks themselves go with the inert elements.
  const hiddenSelectors: string[] = [];
  for (const style of Array.from(document.querySelectorAll('style'))) {
    for (const match of (style.textContent ?? '').replace(/\/\*[\s\S]*?\*\//g, '').matchAll(STYLE_RULE)) {
      if (hides(parseDeclarations(match[2]), undefined)) hiddenSelectors.push(...match[1].split(',').map((selector) => selector.trim()).filter(Boolean));
    }
  }
  for (const selector of hiddenSelectors) {
    if (selector.startsWith('@')) continue;
    try {
      for (const element of Array.from(document.querySelectorAll(selector))) {
        element.remove();
        removed++;
      }
    } catch {
      // A selector linkedom cannot run (pseudo-classes and the like): its elements stay.
    }
  }
  for (const element of Array.from(document.querySelectorAll(INERT))) {
    element.remove();
    removed++;
  }
  const visit = (node: Node, background: string | undefined): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === COMMENT_NODE) {
        child.remove();
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const element = child as Element;
      const declarations = parseDeclarations(element.getAttribute('style') ?? '');
      const attributeColor = element.tagName.toLowerCase() === 'font' ? element.getAttribute('color') : null;
      if (attributeColor && !declarations.has('color')) declarations.set('color', attributeColor);
      if (element.hasAttribute('hidden') || element.getAttribute('aria-hidden')?.trim().toLowerCase() === 'true' || hides(declarations, background)) {
        element.remove();
        removed++;
        continue;
      }
      visit(element, ownBackground(element, declarations) ?? background);
    }
  };
  visit(document.documentElement, undefined);
  return removed;
}

/**
 * The visible text of `html`, block elements on lines of their own, entities decoded.
 * Plain text without markup passes through unchanged.
 */
export function visibleText(html: string): string {
  if (!/[<&]/.test(html)) return html;
  const { document } = parseHtml(/<html[\s>]/i.test(html) ? html : `<!doctype html><html><body>${html}</body></html>`);
  dropHiddenElements(document as unknown as HtmlDocument);
  const root = (document.body ?? document.documentElement) as unknown as { innerHTML: string };
  return markupToText(root.innerHTML);
}

/** Serialised (already cleaned) markup to text: line breaks for blocks, tags dropped, entities decoded. */
function markupToText(markup: string): string {
  const { document } = parseHtml('<!doctype html><html><body></body></html>');
  const holder = document.createElement('div');
  holder.innerHTML = markup
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h\d|blockquote|pre|table|ul|ol|section|article|header|footer)>/gi, '$&\n');
  return (holder.textContent ?? '').replace(/\u00a0/g, ' ');
}

function parseDeclarations(style: string): Map<string, string> {
  const declarations = new Map<string, string>();
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const name = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).replace(/!important/i, '').trim().toLowerCase();
    if (name) declarations.set(name, value);
  }
  return declarations;
}

/** True when these declarations make an element's text invisible against `background`. */
function hides(declarations: Map<string, string>, background: string | undefined): boolean {
  const value = (name: string) => declarations.get(name);
  if (value('display') === 'none') return true;
  if (value('visibility') === 'hidden' || value('visibility') === 'collapse') return true;
  if (value('content-visibility') === 'hidden') return true;
  if (isZero(value('opacity'))) return true;
  if (isTiny(value('font-size')) || isTinyFontShorthand(value('font'))) return true;
  for (const name of ['width', 'height', 'max-width', 'max-height']) if (isZero(value(name))) return true;
  if (/^-\d{3,}/.test(value('text-indent') ?? '')) return true;
  if (value('position') === 'absolute' || value('position') === 'fixed') {
    for (const name of ['left', 'top', 'right']) if (/^-\d{3,}/.test(value(name) ?? '')) return true;
  }
  if (/rect\(\s*0[a-z]*[\s,]+0[a-z]*[\s,]+0[a-z]*[\s,]+0[a-z]*\s*\)/.test(value('clip') ?? '')) return true;
  if (/inset\(\s*(50|100)%/.test(value('clip-path') ?? '')) return true;
  const color = normaliseColor(value('color'));
  if (color === 'transparent') return true;
  const ownBackground = backgroundOf(declarations);
  if (color !== undefined && color === (ownBackground ?? background ?? '#ffffff')) return true;
  return false;
}

function ownBackground(element: Element, declarations: Map<string, string>): string | undefined {
  return backgroundOf(declarations) ?? normaliseColor(element.getAttribute('bgcolor') ?? undefined);
}

function backgroundOf(declarations: Map<string, string>): string | undefined {
  const explicit = normaliseColor(declarations.get('background-color'));
  if (explicit !== undefined) return explicit;
  const shorthand = declarations.get('background');
  if (!shorthand) return undefined;
  for (const token of shorthand.match(/#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|[a-z]+/g) ?? []) {
    const color = normaliseColor(token);
    if (color !== undefined) return color;
  }
  return undefined;
}

function isZero(value: string | undefined): boolean {
  return value !== undefined && /^[-+]?0*\.?0+(px|em|rem|pt|%|vh|vw|ex|ch)?$/.test(value);
}

/** Zero, or a size under 2px: text no one can read. */
function isTiny(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (isZero(value)) return true;
  const match = /^(\d*\.?\d+)(px|pt)$/.exec(value);
  return match !== null && Number(match[1]) < 2;
}

function isTinyFontShorthand(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(/\s+/).some((token) => isTiny(token.split('/')[0]));
}

const NAMED: Record<string, string> = {
  white: '#ffffff', black: '#000000', red: '#ff0000', green: '#008000', blue: '#0000ff', yellow: '#ffff00',
  gray: '#808080', grey: '#808080', silver: '#c0c0c0', whitesmoke: '#f5f5f5', snow: '#fffafa', ivory: '#fffff0',
};

/** A colour as `#rrggbb`, `transparent`, or undefined when it is not one we can compare. */
export function normaliseColor(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const color = value.trim().toLowerCase();
  if (color === 'transparent') return 'transparent';
  if (NAMED[color]) return NAMED[color];
  const hex = /^#([0-9a-f]{3,8})$/.exec(color)?.[1];
  if (hex) {
    if (hex.length === 3 || hex.length === 4) {
      if (hex.length === 4 && hex[3] === '0') return 'transparent';
      return `#${[...hex.slice(0, 3)].map((digit) => digit + digit).join('')}`;
    }
    if (hex.length === 6) return `#${hex}`;
    if (hex.length === 8) return hex.slice(6) === '00' ? 'transparent' : `#${hex.slice(0, 6)}`;
    return undefined;
  }
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(color);
  if (rgb) {
    if (rgb[4] !== undefined && Number.parseFloat(rgb[4]) === 0) return 'transparent';
    return `#${rgb.slice(1, 4).map((part) => Math.min(255, Number(part)).toString(16).padStart(2, '0')).join('')}`;
  }
  return undefined;
}

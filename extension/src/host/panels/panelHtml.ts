/**
 * panelHtml is the page every KubeLab panel loads: a strict Content-Security-Policy
 * (nothing but the extension's own files, scripts only by nonce), the panel's
 * bundle and stylesheet from dist/webview, and the codicon font. No `vscode` here:
 * the panel host passes the webview's cspSource and resource URIs.
 */
import { randomBytes } from 'node:crypto';

export interface PanelPage {
  /** title is the document's title, for screen readers. */
  title: string;
  /** cspSource is webview.cspSource: the origin the extension's files are served from. */
  cspSource: string;
  script: string;
  styles: string[];
  /**
   * workers lets the page start web workers from the extension's own files and
   * from blob: URLs (Monaco's editor and language workers); other panels start none.
   * The page fetches a worker's script (connect-src) and starts it from a blob:
   * the webview's service worker, which serves the extension's files, answers
   * the page but not a worker's own requests.
   */
  workers?: boolean;
  /**
   * styleAttributes lets the page's HTML carry style attributes: Monaco lays out
   * its lines with them, and no nonce can cover an attribute. <style> elements
   * still need the nonce.
   */
  styleAttributes?: boolean;
}

/** nonce is 128 random bits from crypto, as a CSP nonce must be unguessable. */
export function nonce(): string {
  return randomBytes(16).toString('base64');
}

export function panelHtml(page: PanelPage, scriptNonce = nonce()): string {
  const csp = [
    "default-src 'none'",
    `style-src ${page.cspSource} 'nonce-${scriptNonce}'`,
    `font-src ${page.cspSource}`,
    `img-src ${page.cspSource} data:`,
    `script-src 'nonce-${scriptNonce}'`,
    ...(page.workers ? [`worker-src ${page.cspSource} blob:`, `connect-src ${page.cspSource}`] : []),
    ...(page.styleAttributes ? ["style-src-attr 'unsafe-inline'"] : []),
  ].join('; ');
  // vscode-elements' buttons and icons draw codicons from the stylesheet with this id.
  const links = page.styles.map((href) => `<link rel="stylesheet" href="${escapeAttr(href)}"${/\/codicon\.css$/.test(href) ? ' id="vscode-codicon-stylesheet"' : ''}>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${links}
    <title>${escapeText(page.title)}</title>
  </head>
  <body>
    <div id="app" role="application" aria-label="${escapeAttr(page.title)}"></div>
    <script nonce="${scriptNonce}" src="${escapeAttr(page.script)}"></script>
  </body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

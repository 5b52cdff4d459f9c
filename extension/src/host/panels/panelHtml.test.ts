import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelHtml } from './panelHtml';

const page = { title: 'KubeLab: Request Flow', cspSource: 'https://file+.vscode-resource.vscode-cdn.net', script: 'flow.js', styles: ['flow.css'] };

function csp(html: string): string[] {
  const m = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  assert.ok(m);
  return m[1].split('; ');
}

test('a panel page allows only the extension\'s files and its nonce\'s scripts, and no workers unless it asks', () => {
  const html = panelHtml(page, 'abc');
  assert.deepEqual(csp(html), [
    "default-src 'none'",
    `style-src ${page.cspSource} 'nonce-abc'`,
    `font-src ${page.cspSource}`,
    `img-src ${page.cspSource} data:`,
    "script-src 'nonce-abc'",
  ]);
  assert.match(html, /<script nonce="abc" src="flow.js"><\/script>/);
});

test('a page with workers (Monaco) may fetch their scripts from the extension\'s files and start them from blob: URLs, and nothing else changes', () => {
  const policy = csp(panelHtml({ ...page, workers: true }, 'abc'));
  assert.deepEqual(policy.slice(-2), [`worker-src ${page.cspSource} blob:`, `connect-src ${page.cspSource}`]);
  assert.deepEqual(policy.slice(0, -2), csp(panelHtml(page, 'abc')));
});

test('a page with style attributes (Monaco\'s lines) allows them inline, while <style> elements still need the nonce', () => {
  const policy = csp(panelHtml({ ...page, styleAttributes: true }, 'abc'));
  assert.equal(policy.at(-1), "style-src-attr 'unsafe-inline'");
  assert.deepEqual(policy.slice(0, -1), csp(panelHtml(page, 'abc')));
  assert.ok(policy.includes(`style-src ${page.cspSource} 'nonce-abc'`));
});

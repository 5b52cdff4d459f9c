import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { ContainerFs } from './containerFs';
import type { LogStream } from './containerLog';
import { HTTPD_INDEX_HTML, NGINX_INDEX_HTML } from './imageFiles';
import { listenersFor } from './listeners';
import { Collector, Pipe } from './pipe';

/** serve starts the servers of image running argv and sends raw HTTP to port; it resolves with the answer and the log lines. */
async function serve(image: string, argv: string[], port: number, raw: string): Promise<{ answer: string; log: [LogStream, string][]; ports: number[] }> {
  const log: [LogStream, string][] = [];
  const fs = new ContainerFs({ '/usr/share/nginx/html/index.html': NGINX_INDEX_HTML, '/usr/local/apache2/htdocs/index.html': HTTPD_INDEX_HTML });
  const listeners = listenersFor(image, argv, { clock: new ManualClock(), fs, hostname: 'web-1', log: (s, l) => log.push([s, l]) });
  const listener = listeners.find((l) => l.port === port);
  assert.ok(listener, `nothing listens on ${port}`);
  const input = new Pipe();
  const out = new Collector();
  const closed = new Promise<void>((resolve) => listener.accept({ input, output: out, close: resolve, remote: '127.0.0.1:40000' }));
  input.write(raw);
  input.end();
  await closed;
  return { answer: out.text, log, ports: listeners.map((l) => l.port) };
}

const DATE = 'Date: Thu, 01 Jan 2026 00:00:00 GMT';

test('nginx answers HEAD with headers only, two keep-alive requests in a row, and 405 for POST', async () => {
  const { answer } = await serve('docker.io/library/nginx:1.26', ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'], 80,
    'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi');
  const [head, post] = answer.split(/(?=HTTP\/1\.1 405)/);
  assert.equal(head, `HTTP/1.1 200 OK\r\nServer: nginx/1.26.3\r\n${DATE}\r\nContent-Type: text/html\r\nContent-Length: 615\r\nLast-Modified: Wed, 16 Apr 2025 12:01:11 GMT\r\nConnection: keep-alive\r\nETag: "67ff9c07-267"\r\nAccept-Ranges: bytes\r\n\r\n`);
  assert.equal(post, `HTTP/1.1 405 Not Allowed\r\nServer: nginx/1.26.3\r\n${DATE}\r\nContent-Type: text/html\r\nContent-Length: 157\r\nConnection: keep-alive\r\n\r\n<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx/1.26.3</center>\r\n</body>\r\n</html>\r\n`);
});

// What each image's server answers, and the line it logs.
const cases: [string, string, string[], number, string, RegExp, [LogStream, string][]][] = [
  ['httpd\'s It works!', 'docker.io/library/httpd:2.4', ['httpd-foreground'], 80, '/', /\r\n\r\n<html><body><h1>It works!<\/h1><\/body><\/html>\n$/,
    [['stdout', '127.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 45']]],
  ['http-echo\'s -text on its -listen port', 'docker.io/hashicorp/http-echo:1.0', ['/http-echo', '-text=hello', '-listen=:8080'], 8080, '/anything',
    /^HTTP\/1\.1 200 OK\r\nContent-Length: 6\r\nContent-Type: text\/plain; charset=utf-8\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nX-App-Name: http-echo\r\nX-App-Version: 1\.0\.0\r\n\r\nhello\n$/,
    [['stderr', '2026/01/01 00:00:00 [INFO] server is listening on :8080'], ['stderr', '2026/01/01 00:00:00 x 127.0.0.1:40000 "GET /anything HTTP/1.1" 200 6 "" 25.3µs']]],
  ['agnhost netexec\'s /hostname', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ['/agnhost', 'netexec', '--http-port=8080'], 8080, '/hostname', /\r\n\r\nweb-1$/,
    [['stderr', 'I0101 00:00:00.000000       1 log.go:245] Started HTTP server on port 8080'], ['stderr', 'I0101 00:00:00.000000       1 log.go:245] GET /hostname']]],
  ['agnhost netexec\'s /echo', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ['/agnhost', 'netexec'], 8080, '/echo?msg=pong', /\r\n\r\npong$/,
    [['stderr', 'I0101 00:00:00.000000       1 log.go:245] Started HTTP server on port 8080'], ['stderr', 'I0101 00:00:00.000000       1 log.go:245] GET /echo?msg=pong']]],
  ['agnhost serve-hostname on 9376', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ['/agnhost', 'serve-hostname'], 9376, '/', /\r\n\r\nweb-1$/,
    [['stderr', '2026/01/01 00:00:00 Serving on port 9376.']]],
];

for (const [what, image, argv, port, path, answer, log] of cases) {
  test(`listeners: ${what}`, async () => {
    const got = await serve(image, argv, port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(got.answer, answer);
    assert.deepEqual(got.log, log);
  });
}

test('nothing listens for an image run with another command, or for an agnhost that pauses', () => {
  const ctx = { clock: new ManualClock(), fs: new ContainerFs(), hostname: 'x', log: () => undefined };
  assert.deepEqual(listenersFor('docker.io/library/nginx:1.27', ['sleep', '3600'], ctx), []);
  assert.deepEqual(listenersFor('registry.k8s.io/e2e-test-images/agnhost:2.53', ['/agnhost', 'pause'], ctx), []);
  assert.deepEqual(listenersFor('docker.io/library/busybox:latest', ['sh'], ctx), []);
});

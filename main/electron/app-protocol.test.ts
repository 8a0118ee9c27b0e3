import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveAppFile } from './app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../core/content-security-policy.ts';

const ROOT = path.resolve('/srv/app/out/renderer');

describe('app:// protocol', () => {
  it('is registered as a standard, secure scheme without CSP bypass', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).not.toBe(true);
  });

  it('maps app URLs to files inside the renderer folder only', () => {
    expect(resolveAppFile('app://renderer/index.html', ROOT)).toBe(path.join(ROOT, 'index.html'));
    expect(resolveAppFile('app://renderer/', ROOT)).toBe(path.join(ROOT, 'index.html'));
    expect(resolveAppFile('app://renderer/jobs/local/42', ROOT)).toBe(path.join(ROOT, 'index.html'));
    expect(resolveAppFile('app://renderer/assets/index-abc.js?v=1', ROOT)).toBe(path.join(ROOT, 'assets', 'index-abc.js'));
    expect(resolveAppFile('app://renderer/../../etc/passwd.txt', ROOT)).toBe(path.join(ROOT, 'etc', 'passwd.txt'));
    // Encoded dot-segments never climb out of the folder either.
    for (const sneaky of ['app://renderer/%2e%2e/%2e%2e/secret.txt', 'app://renderer/assets/..%2f..%2f..%2fsecret.txt', 'app://renderer/%5c..%5c..%5csecret.txt']) {
      const file = resolveAppFile(sneaky, ROOT);
      expect(file === null || file.startsWith(ROOT + path.sep), sneaky).toBe(true);
    }
    expect(resolveAppFile('app://renderer/a%00.js', ROOT)).toBe(null);
    expect(resolveAppFile('app://renderer/%E0%A4%A.js', ROOT)).toBe(null);
    expect(resolveAppFile('app://other/index.html', ROOT)).toBe(null);
    expect(resolveAppFile('file:///srv/app/out/renderer/index.html', ROOT)).toBe(null);
  });

  it('answers with the file, its type and the CSP header', async () => {
    const files = new Map([[path.join(ROOT, 'index.html'), '<!doctype html><p>hi</p>']]);
    const handler = createAppProtocolHandler({
      rootDir: ROOT,
      readFile: async (file) => {
        const text = files.get(file);
        if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return new TextEncoder().encode(text);
      },
    });
    const ok = await handler(new Request('app://renderer/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await ok.text()).toContain('<p>hi</p>');

    const missing = await handler(new Request('app://renderer/assets/gone.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    const post = await handler(new Request('app://renderer/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });
});

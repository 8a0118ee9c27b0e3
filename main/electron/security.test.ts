import { describe, expect, it } from 'vitest';
import { APP_START_URL, decideNavigation, decidePermission, isAppUrl, isSafeExternalUrl } from './security.ts';

describe('security policy', () => {
  it('knows the app origin and nothing else as the app', () => {
    expect(isAppUrl(APP_START_URL)).toBe(true);
    expect(isAppUrl('app://renderer/assets/index.js')).toBe(true);
    expect(isAppUrl('app://renderer')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('file:///work/out/renderer/index.html')).toBe(false);
    expect(isAppUrl('https://renderer/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('lets only plain http(s) links out to the OS browser', () => {
    expect(isSafeExternalUrl('https://docs.example.com/jobs?x=1')).toBe(true);
    expect(isSafeExternalUrl('http://intranet.local:8080/')).toBe(true);
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'https://user:pw@host/', 'mailto:a@b.c', 'app://renderer/x', '']) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
    expect(isSafeExternalUrl('https://example.com/' + 'a'.repeat(3000))).toBe(false);
  });

  it('allows in-app navigation, sends web links out and blocks the rest', () => {
    expect(decideNavigation('app://renderer/index.html#/jobs')).toBe('allow');
    expect(decideNavigation('https://github.com/')).toBe('open-external');
    expect(decideNavigation('file:///tmp/x.html')).toBe('block');
    expect(decideNavigation('app://other/index.html')).toBe('block');
    expect(decideNavigation('data:text/html,<script>1</script>')).toBe('block');
  });

  it('grants notifications to the app page and nothing else', () => {
    expect(decidePermission('notifications', 'app://renderer/index.html')).toBe(true);
    expect(decidePermission('notifications', 'app://renderer')).toBe(true);
    expect(decidePermission('notifications', 'https://evil.example/')).toBe(false);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb']) {
      expect(decidePermission(p, 'app://renderer/index.html'), p).toBe(false);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { contentTypeOf } from './content-types.ts';

describe('contentTypeOf', () => {
  it('types the files of the renderer build by extension, in any case', () => {
    expect(contentTypeOf('/app/out/renderer/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('assets/index-3f2a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('assets/index.css.map')).toBe('application/json; charset=utf-8');
  });

  it('serves anything else as plain bytes', () => {
    expect(contentTypeOf('assets/blob.bin')).toBe('application/octet-stream');
    expect(contentTypeOf('LICENSE')).toBe('application/octet-stream');
  });
});

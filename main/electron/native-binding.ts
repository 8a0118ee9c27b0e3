/**
 * Where the Electron build of better-sqlite3 lives. The Node build stays in node_modules for tests;
 * the one for Electron's ABI is built by `bin/build-electron-native.js` into
 * `out/native/electron/better_sqlite3.node` and handed to the core (`sqliteNativeBinding`), which
 * passes it to better-sqlite3's `nativeBinding` option. In the packaged app the file is unpacked
 * from the asar archive (electron-builder `asarUnpack: out/native/**`), since native code cannot
 * be loaded from inside it.
 */
import path from 'node:path';

export const NATIVE_SQLITE_RELATIVE = path.join('native', 'electron', 'better_sqlite3.node');

/** The addon path, given the folder of the built main bundle (`out/node`). */
export function electronSqliteBindingPath(mainBundleDir: string): string {
  const file = path.join(mainBundleDir, '..', NATIVE_SQLITE_RELATIVE);
  // Inside a packaged app the path points into app.asar; the real file is in app.asar.unpacked.
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

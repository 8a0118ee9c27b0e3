/**
 * The renderer's start in one file: every module the entry imports statically (the shell, the Jobs
 * view, React, the stores…) goes into the entry chunk. Left to itself the bundler splits the modules
 * the entry shares with the lazily loaded screens into a dozen small chunks, all fetched before the
 * first render; over HTTP/1.1 (browser mode) six at a time, so three rounds of requests to the host
 * stood before the first rows. Screens and the charts stay chunks of their own, loaded on demand.
 */
import type { Plugin } from 'vite';

export interface StartChunk {
  /** Finds the modules the entries import statically, once the module graph is complete. */
  plugin: Plugin;
  /** A code-splitting group (output.codeSplitting.groups) that holds them. */
  group: { name: string; test: (id: string) => boolean };
}

export function startChunk(name = 'index'): StartChunk {
  const start = new Set<string>();
  const plugin: Plugin = {
    name: 'sigmatiq-start-chunk',
    buildEnd() {
      start.clear();
      const todo = [...this.getModuleIds()].filter((id) => this.getModuleInfo(id)?.isEntry);
      for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
        if (start.has(id)) continue;
        start.add(id);
        todo.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
  };
  return { plugin, group: { name, test: (id) => start.has(id) } };
}

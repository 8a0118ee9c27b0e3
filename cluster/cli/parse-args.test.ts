import { describe, expect, it } from 'vitest';
import { describeFlags, parseFlags, UsageError } from './parse-args.ts';

const specs = {
  host: { type: 'string', describe: 'address', default: '127.0.0.1' },
  port: { type: 'int', describe: 'port', default: 7420, min: 0, max: 65535 },
  workers: { type: 'boolean', describe: 'run workers', default: true },
  tokens: { type: 'string', describe: 'file', valueName: 'FILE' },
} as const;

describe('parseFlags', () => {
  it('fills defaults and reads both value forms', () => {
    expect(parseFlags([], specs)).toEqual({ host: '127.0.0.1', port: 7420, workers: true });
    expect(parseFlags(['--port', '0', '--tokens=/tmp/t.json', '--no-workers'], specs)).toEqual({
      host: '127.0.0.1',
      port: 0,
      workers: false,
      tokens: '/tmp/t.json',
    });
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--port', 'http'], /'--port': 'http' is not a whole number from 0 to 65535/],
    [['--port', '70000'], /from 0 to 65535/],
    [['--port', '1.5'], /not a whole number/],
    [['--port'], /needs a value/],
    [['--tokens', '--port', '1'], /'--tokens' needs a value \(FILE\)/],
    [['serve'], /unexpected argument 'serve'/],
    [['--port', '1', '--port', '2'], /given twice/],
    [['--workers=maybe'], /takes no value/],
    [['--no-host'], /unknown option '--no-host'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(UsageError);
    expect(() => parseFlags(argv, specs)).toThrow(message);
  });

  it('describes the flags for usage text', () => {
    const text = describeFlags(specs);
    expect(text).toContain('--port N');
    expect(text).toContain('(default 7420)');
    expect(text).toContain('--tokens FILE');
  });
});

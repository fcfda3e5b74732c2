// Credentials in a URI never reach an error message or a log line.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InvalidUriError, LakeError, NotFoundError, openStore, parseStoreUri, redactUri } from '../src/index.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY';

describe('redactUri', () => {
  it('masks the user info of every URI in a text, and nothing else', () => {
    expect(redactUri(`open s3://AKIDEXAMPLE:${SECRET}@bucket/p failed; see nats://u:p@host:4222/s`)).toBe(
      'open s3://***@bucket/p failed; see nats://***@host:4222/s',
    );
    expect(redactUri('s3://bucket/prefix and user@example.com')).toBe('s3://bucket/prefix and user@example.com');
    expect(redactUri('"s3://k:s@b/x"')).toBe('"s3://***@b/x"');
  });

  it('never leaves a secret in the text (model check over secrets with URI characters)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9/+=:._~-]{6,40}$/);
    fc.assert(
      fc.property(secret, fc.constantFrom('s3', 's3a', 'file', 'http', 'nats'), (s, scheme) => {
        const text = `Cannot open "${scheme}://AKID:${s}@bucket/prefix": bad`;
        expect(redactUri(text)).not.toContain(s);
      }),
    );
  });
});

describe('URIs with credentials', () => {
  it.each([`s3://AKIDEXAMPLE:${SECRET}@my-bucket/tables/t`, `s3a://AKIDEXAMPLE:${SECRET}@my-bucket`, `s3://AKID@my-bucket/t`, 'file://user:pw@localhost/tmp/t'])(
    '%s is refused without echoing the secret',
    async (uri) => {
      const err = await openStore(uri).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidUriError);
      const text = `${(err as Error).message}\n${(err as Error).stack ?? ''}`;
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('pw@');
      expect(text).toContain('***@');
      expect(text).toContain('credentials');
    },
  );

  it('a path holding "@" is still a path', () => {
    expect(parseStoreUri('s3://bucket/users/a@b.com/t')).toEqual({ kind: 's3', bucket: 'bucket', prefix: 'users/a@b.com/t' });
  });

  it('every typed error redacts what it quotes', () => {
    const e = new NotFoundError('x', `s3://k:${SECRET}@b`);
    expect(e.message).not.toContain(SECRET);
    expect(new LakeError('X', `at s3://k:${SECRET}@b`).message).toBe('at s3://***@b');
  });
});

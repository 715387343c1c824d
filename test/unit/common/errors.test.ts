import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  outcomeOf,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
} from '../../../src/common/errors.js';
import { ConfigError } from '../../../src/config/config.loader.js';
import { DumpRejectedError } from '../../../src/papers/paper.types.js';
import { CsrfError } from '../../../src/http/csrf.guard.js';
import { createHandlebars } from '../../../src/common/handlebars.js';

describe('outcomeOf: the one mapping of errors to HTTP and exit codes', () => {
  it.each([
    [new InvalidInputError('bad'), 400, 2],
    [new ConfigError(['PORT: too big']), 400, 2],
    [new DumpRejectedError('dump.jsonl', 3, 'not JSON'), 400, 2],
    [new NotFoundError('no such run'), 404, 2],
    [new PayloadTooLargeError('too large'), 413, 2],
    [new UnsupportedMediaTypeError('send JSON'), 415, 2],
    [new CsrfError('expired'), 403, 1],
    [new ConflictError('exists'), 409, 1],
    [new TooManyRequestsError('slow down'), 429, 1],
  ])('%s → HTTP %i, exit %i', (err, status, exitCode) => {
    expect(outcomeOf(err)).toMatchObject({ status, exitCode, message: err.publicMessage });
  });

  it('sets Retry-After only for a 429 that says when to come back', () => {
    expect(outcomeOf(new TooManyRequestsError('slow down', 120)).headers).toEqual({ 'Retry-After': '120' });
    expect(outcomeOf(new TooManyRequestsError('slow down')).headers).toEqual({});
    expect(outcomeOf(new InvalidInputError('bad')).headers).toEqual({});
  });

  it("keeps Nest's and body-parser's statuses, and says nothing about an unexpected error", () => {
    expect(outcomeOf(new UnauthorizedException('token please'))).toMatchObject({ status: 401, message: 'token please', exitCode: 1 });
    expect(outcomeOf(new ForbiddenException('closed'))).toMatchObject({ status: 403, message: 'closed' });
    expect(outcomeOf(Object.assign(new Error('request entity too large'), { status: 413 }))).toMatchObject({ status: 413 });
    expect(outcomeOf(new Error('SQLITE_BUSY at /var/lib/secret.sqlite'))).toEqual({ status: 500, message: 'internal error', headers: {}, exitCode: 1 });
  });
});

describe('the one Handlebars setup', () => {
  it('lets only http(s) links through safeUrl, in pages and mails alike', () => {
    const render = createHandlebars().compile('<a href="{{safeUrl url}}">x</a>');
    expect(render({ url: ' https://arxiv.org/abs/2401.00001 ' })).toBe('<a href="https://arxiv.org/abs/2401.00001">x</a>');
    for (const url of ['mailto:a@example.org', 'javascript:alert(1)', 'data:text/html,x', '//evil.example', 42])
      expect(render({ url })).toBe('<a href="#">x</a>');
  });
});

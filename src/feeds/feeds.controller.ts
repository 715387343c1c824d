import { createHash } from 'node:crypto';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotFoundError } from '../common/errors.js';
import type { Feed } from './feed.model.js';
import { toAtom, toJsonFeed } from './feed.writers.js';
import { FeedsService, type FeedFormat } from './feeds.service.js';

const TYPES: Record<FeedFormat, string> = { atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' };

/** `/feeds/topics/:slug.atom` (public) and `/feeds/:token.atom` (personal); `.json` gives JSON Feed 1.1. */
@Controller('feeds')
export class FeedsController {
  constructor(private readonly feeds: FeedsService) {}

  @Get('topics/:file')
  async topic(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { name, format } = splitFile(file);
    send(req, res, await this.feeds.topicFeed(name, format), format, 'public, max-age=300');
  }

  @Get(':file')
  async personal(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { name, format } = splitFile(file);
    send(req, res, await this.feeds.personalFeed(name, format), format, 'private, max-age=300');
  }
}

function splitFile(file: string): { name: string; format: FeedFormat } {
  const m = /^(.+)\.(atom|json)$/.exec(file);
  if (!m) throw new NotFoundError('feeds end in .atom or .json');
  return { name: m[1], format: m[2] as FeedFormat };
}

/** Conditional GET: a strong ETag of the body, and Last-Modified of the newest entry. */
function send(req: Request, res: Response, feed: Feed, format: FeedFormat, cache: string): void {
  const body = format === 'atom' ? toAtom(feed) : toJsonFeed(feed);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const lastModified = new Date(Math.floor(feed.updated.getTime() / 1000) * 1000);
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', lastModified.toUTCString());
  res.setHeader('Cache-Control', cache);
  if (notModified(req, etag, lastModified)) {
    res.status(304).end();
    return;
  }
  res.status(200).type(TYPES[format]).send(body);
}

function notModified(req: Request, etag: string, lastModified: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
  const ims = req.headers['if-modified-since'];
  const since = ims ? Date.parse(ims) : NaN;
  return !Number.isNaN(since) && lastModified.getTime() <= since;
}

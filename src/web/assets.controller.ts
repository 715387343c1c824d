import { readFileSync } from 'node:fs';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { NotFoundError } from '../common/errors.js';
import { fromRoot } from '../common/paths.js';

/** The pages' one stylesheet and one small script, read at start; nothing else is served from disk. */
const ASSETS: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [
    ['paperboy.css', 'text/css; charset=utf-8'],
    ['paperboy.js', 'text/javascript; charset=utf-8'],
  ].map(([name, type]) => [name, { type, body: readFileSync(fromRoot('templates/web/assets', name)) }]),
);

@Controller('assets')
export class AssetsController {
  @Get(':name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundError('no such asset');
    res.status(200).type(asset.type).setHeader('Cache-Control', 'public, max-age=3600');
    res.send(asset.body);
  }
}

/**
 * A text part given in pieces: the even ones are the same strings in many messages (a digest's
 * shared skeleton, digest-skeleton.ts), the odd ones this message's own (its address and signed
 * links). `shared` names the even pieces (the same object for every message they are in), so their
 * quoted-printable encoding is computed once and kept (mime.ts); only the odd pieces are encoded per message.
 */
export class PieceText {
  private joined: string | null = null;

  constructor(
    readonly pieces: readonly string[],
    readonly shared: object,
  ) {}

  toString(): string {
    return (this.joined ??= this.pieces.join(''));
  }
}

/** A part as a plain string, whichever way it was given. */
export function textOf(part: string | PieceText): string {
  return typeof part === 'string' ? part : part.toString();
}

/**
 * A query that cannot be read. Subscribers type keywords by hand, so the message names what is
 * wrong and where (`unexpected ")" at position 12`), and `position` lets a form point at it.
 */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the query where the problem was found. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

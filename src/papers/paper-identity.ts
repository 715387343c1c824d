import { param, type DialectName } from '../database/dialect.js';
import type { Statement, WriteSteps } from '../database/write-steps.js';
import { titleKeyOf } from './paper-key.js';
import type { PaperRow } from './paper.repository.js';

type Merge = (a: PaperRow | undefined, b: PaperRow) => PaperRow;

/**
 * One paper, one entry. Before a batch is written, each incoming record is resolved to the paper
 * already stored under another key: a record with an arXiv id takes over the paper a page capture
 * stored by title (the row is re-keyed in place, so its id, first-seen and available dates, topic
 * tags and everything sent of it stay: it is never news again); a record without one joins the
 * paper stored with an arXiv id under the same normalized title. Two different arXiv papers with
 * the same title are never merged, and neither is a title shared by several of them.
 */
export function* resolveIdentities(d: DialectName, rows: PaperRow[], merge: Merge): WriteSteps<PaperRow[]> {
  const folded = foldWithinBatch(rows, merge);
  yield* adoptTitleRows(
    d,
    folded.filter((r) => r.arxivId),
  );
  const byTitle = yield* arxivKeysByTitle(
    d,
    folded.filter((r) => !r.arxivId).map((r) => titleKeyOf(r.title)),
  );
  const out = new Map<string, PaperRow>();
  for (const row of folded) {
    const target = row.arxivId ? null : byTitle.get(titleKeyOf(row.title));
    const resolved = target ? { ...row, paperKey: target } : row;
    out.set(resolved.paperKey, merge(out.get(resolved.paperKey), resolved));
  }
  return [...out.values()];
}

/** Within one batch: title-only records fold into the one record with an arXiv id and the same title. */
function foldWithinBatch(rows: PaperRow[], merge: Merge): PaperRow[] {
  const arxivByTitle = new Map<string, PaperRow | null>();
  for (const r of rows.filter((x) => x.arxivId)) {
    const k = titleKeyOf(r.title);
    const seen = arxivByTitle.get(k);
    arxivByTitle.set(k, seen === undefined || seen?.paperKey === r.paperKey ? r : null);
  }
  const kept: PaperRow[] = [];
  for (const r of rows) {
    const host = r.arxivId ? undefined : arxivByTitle.get(titleKeyOf(r.title));
    if (host) Object.assign(host, merge(host, { ...r, paperKey: host.paperKey }), { arxivId: host.arxivId, paperKey: host.paperKey });
    else kept.push(r);
  }
  return kept;
}

/** Records with an arXiv id whose paper is stored by title only: re-key that row, or fold it into the arXiv row. */
function* adoptTitleRows(d: DialectName, rows: PaperRow[]): WriteSteps<void> {
  if (rows.length === 0) return;
  const titleKeys = new Map(rows.map((r) => ['t:' + titleKeyOf(r.title), r]));
  const found = yield* selectIn<{ id: number; paper_key: string }>(d, 'id, paper_key', 'paper_key', [...titleKeys.keys()]);
  if (found.length === 0) return;
  const existing = new Map(
    (yield* selectIn<{ id: number; paper_key: string }>(
      d,
      'id, paper_key',
      'paper_key',
      found.map((f) => titleKeys.get(f.paper_key)!.paperKey),
    )).map((r) => [r.paper_key, Number(r.id)]),
  );
  for (const f of found) {
    const row = titleKeys.get(f.paper_key)!;
    const into = existing.get(row.paperKey);
    if (into === undefined) {
      yield {
        sql: `UPDATE papers SET paper_key = ${param(d, 1)}, arxiv_id = ${param(d, 2)} WHERE id = ${param(d, 3)}`,
        params: [row.paperKey, row.arxivId, f.id],
      };
      existing.set(row.paperKey, Number(f.id));
    } else yield* foldPaper(d, Number(f.id), into);
  }
}

/** Title key → the key of the one stored arXiv paper with that title (titles shared by several are left alone). */
function* arxivKeysByTitle(d: DialectName, titleKeys: string[]): WriteSteps<Map<string, string>> {
  if (titleKeys.length === 0) return new Map();
  const rows = yield* selectIn<{ paper_key: string; title_key: string; arxiv_id: string | null }>(d, 'paper_key, title_key, arxiv_id', 'title_key', [
    ...new Set(titleKeys),
  ]);
  const out = new Map<string, string | null>();
  for (const r of rows.filter((x) => x.arxiv_id)) out.set(r.title_key, out.has(r.title_key) ? null : r.paper_key);
  return new Map([...out].filter((e): e is [string, string] => e[1] !== null));
}

/**
 * Two stored rows of one paper (stored before identities were resolved): the title row's best
 * fields, topic tags, ledger references and sent records move to the arXiv row, which keeps the
 * earlier availability (so neither copy is news again), and the title row goes.
 */
function* foldPaper(d: DialectName, fromId: number, intoId: number): WriteSteps<void> {
  const run = (sql: string): Statement => {
    const [text, params] = bind(d, sql, { from: fromId, into: intoId });
    return { sql: text, params };
  };
  const fill = ['abstract', 'published_at', 'arxiv_url', 'pdf_url', 'code_url', 'project_url', 'ai_summary', 'trending_date', 'upvotes'];
  const other = (c: string) => `(SELECT f.${c} FROM papers f WHERE f.id = :from)`;
  yield run(
    `UPDATE papers SET ${fill.map((c) => `${c} = coalesce(papers.${c}, ${other(c)})`).join(', ')},
       available_at = ${earlier(d, 'papers.available_at', other('available_at'))}, first_seen_at = ${earlier(d, 'papers.first_seen_at', other('first_seen_at'))}
     WHERE id = :into`,
  );
  yield run(`INSERT INTO paper_topics (paper_id, topic_slug, score, matched) SELECT :into, topic_slug, score, matched FROM paper_topics t WHERE t.paper_id = :from
     AND NOT EXISTS (SELECT 1 FROM paper_topics o WHERE o.paper_id = :into AND o.topic_slug = t.topic_slug)`);
  yield run(`INSERT INTO sent_papers (subscriber_id, paper_id, delivery_id, sent_at, code_url, project_url, upvotes, update_delivery_id, update_sent_at)
     SELECT subscriber_id, :into, delivery_id, sent_at, code_url, project_url, upvotes, update_delivery_id, update_sent_at FROM sent_papers s WHERE s.paper_id = :from
     AND NOT EXISTS (SELECT 1 FROM sent_papers o WHERE o.paper_id = :into AND o.subscriber_id = s.subscriber_id)`);
  yield* moveLedgerReferences(d, fromId, intoId);
  yield run(`DELETE FROM papers WHERE id = :from`);
}

/** Named parameters (`:from`) as the dialect's positional ones; SQLite's `?` takes one value per occurrence. */
function bind(d: DialectName, sql: string, named: Record<string, unknown>): [string, unknown[]] {
  const values: unknown[] = [];
  const text = sql.replace(/:(\w+)/g, (_, name: string) => {
    values.push(named[name]);
    return param(d, values.length);
  });
  return [text, values];
}

function* moveLedgerReferences(d: DialectName, fromId: number, intoId: number): WriteSteps<void> {
  const rows = (yield { sql: `SELECT id, paper_ids FROM digest_deliveries WHERE paper_ids LIKE ${param(d, 1)}`, params: [`%${fromId}%`] }) as unknown as {
    id: number;
    paper_ids: string;
  }[];
  for (const r of rows) {
    const ids = JSON.parse(r.paper_ids) as number[];
    if (!ids.includes(fromId)) continue;
    const moved = [...new Set(ids.map((id) => (id === fromId ? intoId : id)))];
    yield { sql: `UPDATE digest_deliveries SET paper_ids = ${param(d, 1)} WHERE id = ${param(d, 2)}`, params: [JSON.stringify(moved), r.id] };
  }
}

function earlier(d: DialectName, a: string, b: string): string {
  return d === 'postgres' ? `LEAST(${a}, ${b})` : `min(coalesce(${a}, ${b}), coalesce(${b}, ${a}))`;
}

function* selectIn<T>(d: DialectName, columns: string, column: string, values: string[]): WriteSteps<T[]> {
  if (values.length === 0) return [];
  return (yield {
    sql: `SELECT ${columns} FROM papers WHERE ${column} IN (${values.map((_, i) => param(d, i + 1)).join(', ')})`,
    params: values,
  }) as unknown as T[];
}

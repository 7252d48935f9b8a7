/** One page of a list endpoint (`{ object: "list", data, has_more }`, newest first). */
export interface ListPage<Item> {
  data: Item[];
  has_more: boolean;
}

/** The cursor of a page request: the id of the last (or first) object seen. */
export interface Cursor {
  starting_after?: string;
  ending_before?: string;
}

/**
 * Follows the API's cursor convention page after page: `starting_after` the last object of each
 * page, or, when the first request went backwards with `ending_before`, `ending_before` the first
 * object of each page. Iterating yields the objects; `pages()` yields whole pages.
 */
export class AutoPager<Item extends { id: string }, Page extends ListPage<Item> = ListPage<Item>>
  implements AsyncIterable<Item>
{
  constructor(
    private readonly fetchPage: (cursor: Cursor) => Promise<Page>,
    private readonly start: Cursor,
  ) {}

  async *pages(): AsyncGenerator<Page> {
    const backwards = this.start.starting_after === undefined && this.start.ending_before !== undefined;
    let cursor = this.start;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield page;
      const next = backwards ? page.data[0] : page.data[page.data.length - 1];
      if (!page.has_more || next === undefined) return;
      cursor = backwards ? { ending_before: next.id } : { starting_after: next.id };
    }
  }

  /** Only the first page. */
  async firstPage(): Promise<Page> {
    return this.fetchPage(this.start);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every object, up to `max` (default 10 000, so that a runaway list can't exhaust memory). */
  async toArray(max = 10_000): Promise<Item[]> {
    const items: Item[] = [];
    for await (const item of this) {
      if (items.length >= max) break;
      items.push(item);
    }
    return items;
  }
}

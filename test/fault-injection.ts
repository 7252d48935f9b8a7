import pg from "pg";

/**
 * Installed once before any test file runs (test/stack.ts), so that no test runs DDL while others
 * work: CREATE TRIGGER or ALTER TABLE on a shared table takes a lock that queues behind any long
 * reader and makes every other file's writes to that table wait behind it. A test that needs a
 * payment or refund update to fail inserts a row instead (failPaymentUpdates, failRefundUpdates).
 */
const INSTALL = `
  create table if not exists test_failing_updates (
    table_name text not null, row_id text, merchant_id text, status text not null
  );
  create or replace function test_fail_update() returns trigger language plpgsql as $$
  begin
    if exists (select 1 from test_failing_updates f
               where f.table_name = tg_table_name and f.status = new.status
                 and (f.row_id = new.id or f.merchant_id = new.merchant_id)) then
      raise exception 'injected failure';
    end if;
    return new;
  end $$;
  create or replace trigger test_fail_update before update on payments
    for each row execute function test_fail_update();
  create or replace trigger test_fail_update before update on refunds
    for each row execute function test_fail_update();
`;

export async function installFaultInjection(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(INSTALL);
  } finally {
    await client.end();
  }
}

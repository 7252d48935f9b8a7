import pg from "pg";

/**
 * Installed once before any test file runs (test/stack.ts), so that no test runs DDL while others
 * work: CREATE TRIGGER or ALTER TABLE on a shared table takes a lock that queues behind any long
 * reader and makes every other file's writes to that table wait behind it. A test that needs a
 * payment or refund update to fail inserts a row instead (failPaymentUpdates, failRefundUpdates).
 */
const INSTALL = `
  create table if not exists test_failing_payment_updates (
    payment_id text, merchant_id text, status text not null
  );
  create or replace function test_fail_payment_update() returns trigger language plpgsql as $$
  begin
    if exists (select 1 from test_failing_payment_updates f
               where f.status = new.status and (f.payment_id = new.id or f.merchant_id = new.merchant_id)) then
      raise exception 'injected failure';
    end if;
    return new;
  end $$;
  create or replace trigger test_fail_payment_update before update on payments
    for each row execute function test_fail_payment_update();
  create table if not exists test_failing_refund_updates (merchant_id text not null, status text not null);
  create or replace function test_fail_refund_update() returns trigger language plpgsql as $$
  begin
    if exists (select 1 from test_failing_refund_updates f
               where f.status = new.status and f.merchant_id = new.merchant_id) then
      raise exception 'injected failure';
    end if;
    return new;
  end $$;
  create or replace trigger test_fail_refund_update before update on refunds
    for each row execute function test_fail_refund_update();
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

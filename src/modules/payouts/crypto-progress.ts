import { and, asc, inArray, isNotNull } from "drizzle-orm";
import { applyEachChange } from "../../core/batch";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { RAIL_RUN_LIMIT, type RailRun, railRunScope } from "../../core/rails";
import { type TransferProgress, transferProgress } from "../crypto/service";
import { type PayoutRow, payouts } from "./tables";
import { type PayoutChange, payoutChangeStatement } from "./transitions";

export interface CryptoPayoutReport {
  in_transit: number;
  paid: number;
  failed: number;
}

/**
 * A wallet payout's status from its transfer's: signed for the network (its nonce taken, the point
 * after which it can no longer be canceled; a node may refuse a reverting transaction and still mine
 * it) → in_transit; confirmed and final → paid; failed → failed. A run that finds the transfer
 * already final or failed moves the payout in_transit first, so every sent payout shows that step. A reorg before finality
 * takes the transfer back to broadcast, which the payout already is (in_transit): a payout is paid
 * only once no reorg can undo it. Nothing is posted: the transfer holds the only reservation and
 * releases it itself when it fails.
 */
function changesFor(
  services: Services,
  row: PayoutRow,
  transfer: TransferProgress,
  now: Date,
): PayoutChange[] {
  const ctx = systemContext(services, row, "payout-batch");
  const changes: PayoutChange[] = [];
  let current = row;
  if (current.status === "pending" && transfer.nonce !== null) {
    const inTransit = payoutChangeStatement(ctx, current, {
      to: "in_transit",
      from: ["pending"],
      values: { submittedAt: transfer.broadcastAt ?? now },
      event: "payout.in_transit",
      release: false,
    });
    changes.push(inTransit);
    current = inTransit.row;
  }
  if (transfer.status === "failed") {
    changes.push(
      payoutChangeStatement(ctx, current, {
        to: "failed",
        from: ["pending", "in_transit"],
        values: {
          failureCode: "crypto_transfer_failed",
          failureMessage: transfer.failureReason,
          failedAt: transfer.failedAt ?? now,
        },
        event: "payout.failed",
        release: false,
      }),
    );
  }
  if (transfer.status === "confirmed" && transfer.finalizedAt !== null) {
    changes.push(
      payoutChangeStatement(ctx, current, {
        to: "paid",
        from: ["in_transit"],
        values: { paidAt: transfer.finalizedAt },
        event: "payout.paid",
        release: false,
      }),
    );
  }
  return changes;
}

/**
 * payout-batch's step for payouts to crypto wallets: crypto-transfer-track sends and follows their
 * transfers; this moves each open payout after its transfer. One read of the payouts, one of their
 * transfers, one write batch of compare-and-set statements (in order: a payout found final goes
 * in_transit, then paid).
 */
export async function followCryptoPayouts(services: Services, run: RailRun): Promise<CryptoPayoutReport> {
  const { now } = run;
  const open = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        railRunScope(payouts, run),
        inArray(payouts.status, ["pending", "in_transit"]),
        isNotNull(payouts.cryptoTransferId),
      ),
    )
    .orderBy(asc(payouts.createdAt))
    .limit(RAIL_RUN_LIMIT);
  const transfers = await transferProgress(services, open);
  const changes = open.flatMap((row) => {
    const transfer = row.cryptoTransferId === null ? undefined : transfers.get(row.cryptoTransferId);
    return transfer ? changesFor(services, row, transfer, now) : [];
  });
  const report: CryptoPayoutReport = { in_transit: 0, paid: 0, failed: 0 };
  const applied = await applyEachChange(services, changes);
  changes.forEach((change, index) => {
    if (!applied[index]) return;
    const status = change.row.status as keyof CryptoPayoutReport;
    report[status] += 1;
  });
  return report;
}

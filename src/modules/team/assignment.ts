import { createHash } from 'node:crypto';
import { type Ctx, inTransaction } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import { reassignAccountOwners } from '../accounts/index.ts';
import { authorize, updateUser } from '../auth/index.ts';
import { type AssignmentPlan, type Move, planAssignment } from './assign.ts';
import { capacityModel, loadTeamSettings } from './settings.ts';
import { reassignOpenTasks } from './tasks.ts';
import { AssignmentInput, type AssignmentPlanOut, OffboardInput } from './team.schemas.ts';
import { assignInput, type BookAccount, loadBook, loadTeam, type Team } from './workload.ts';

/** Identifies a plan's moves, so "apply" can refuse when the data changed after the preview. */
const fingerprintOf = (moves: readonly Pick<Move, 'accountId' | 'to'>[]) =>
  createHash('sha256')
    .update(JSON.stringify(moves.map((m) => [m.accountId, m.to])))
    .digest('hex')
    .slice(0, 16);

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function describePlan(
  plan: AssignmentPlan,
  book: readonly BookAccount[],
  team: Team,
  mode: 'unowned' | 'rebalance',
  limit: number,
  day: string,
  applied: boolean,
): AssignmentPlanOut {
  const names = new Map(book.map((a) => [a.id, a.name]));
  const user = (id: string | null) => (id === null ? null : (team.users.get(id)?.name ?? id));
  const byReason: Record<string, number> = {};
  for (const m of plan.moves) byReason[m.reason] = (byReason[m.reason] ?? 0) + 1;
  const unplaced: Record<string, number> = {};
  for (const u of plan.unplaced) unplaced[u.reason] = (unplaced[u.reason] ?? 0) + 1;
  return {
    day,
    mode,
    fingerprint: fingerprintOf(plan.moves),
    applied,
    summary: { accounts: book.length, moves: plan.moves.length, byReason, unplaced },
    moves: plan.moves.slice(0, limit).map((m) => ({
      ...m,
      accountName: names.get(m.accountId) ?? '',
      fromName: user(m.from),
      toName: user(m.to) ?? m.to,
    })),
    unplaced: plan.unplaced.slice(0, limit).map((u) => ({ ...u, accountName: names.get(u.accountId) ?? '' })),
    loads: plan.loads.map((l) => ({
      ...l,
      name: user(l.userId) ?? l.userId,
      loadBefore: round4(l.loadBefore),
      loadAfter: round4(l.loadAfter),
    })),
  };
}

async function plan(ctx: Ctx, data: ReturnType<typeof AssignmentInput.parse>) {
  const settings = await loadTeamSettings(ctx);
  const [book, team] = [await loadBook(ctx), await loadTeam(ctx)];
  const { accounts, csms } = assignInput(book, team, capacityModel(settings));
  return {
    book,
    team,
    result: planAssignment(accounts, csms, { mode: data.mode, keepFamilies: data.keepFamilies }),
  };
}

/** What assignment would do, writing nothing. */
export async function previewAssignment({ ctx, input }: { ctx: Ctx; input: AssignmentInput }) {
  await authorize(ctx, 'team:manage');
  const data = AssignmentInput.parse(input);
  const { book, team, result } = await plan(ctx, data);
  return describePlan(result, book, team, data.mode, data.limit, today(ctx), false);
}

/**
 * Recomputes the plan in one transaction and applies it through the accounts module (owner, CSM
 * team role, a timeline entry per account, one audit row). With `fingerprint`, refuses (409) when
 * the plan is no longer the one previewed.
 */
export async function applyAssignment({ ctx, input }: { ctx: Ctx; input: AssignmentInput }) {
  await authorize(ctx, 'team:manage');
  const data = AssignmentInput.parse(input);
  return inTransaction(ctx, async (tx) => {
    const { book, team, result } = await plan(tx, data);
    const fingerprint = fingerprintOf(result.moves);
    if (data.fingerprint && data.fingerprint !== fingerprint) {
      throw conflict(msg('team.error.assignmentChanged'), {
        expected: data.fingerprint,
        actual: fingerprint,
      });
    }
    if (result.moves.length) {
      await reassignAccountOwners({
        ctx: tx,
        input: {
          cause: data.mode === 'rebalance' ? 'assignment: rebalance' : 'assignment: unowned accounts',
          moves: result.moves.map((m) => ({ accountId: m.accountId, ownerId: m.to, reason: m.reason })),
        },
      });
    }
    return describePlan(result, book, team, data.mode, data.limit, today(tx), true);
  });
}

/**
 * A CSM leaves: their accounts go to teammates in each account's group with room (fewest moves,
 * capacity respected); what nobody has room for goes to the group's lead (flagged in `toLead`),
 * so no account is left without an owner. Open tasks follow the accounts. With `deactivate`, the
 * user is deactivated in the same transaction (admins only: users:manage).
 */
export async function offboardCsm({
  ctx,
  userId,
  input,
  apply,
}: {
  ctx: Ctx;
  userId: string;
  input: OffboardInput;
  apply: boolean;
}) {
  await authorize(ctx, 'team:manage');
  const data = OffboardInput.parse(input);
  const run = async (tx: Ctx) => {
    const [book, team, settings] = [await loadBook(tx), await loadTeam(tx), await loadTeamSettings(tx)];
    const leaving = team.users.get(userId);
    if (!leaving) throw notFound('User', userId);
    const theirs = book.filter((a) => a.ownerId === userId);
    const { accounts, csms } = assignInput(book, team, capacityModel(settings), userId);
    const result = planAssignment(accounts, csms, {
      mode: 'unowned',
      keepFamilies: data.keepFamilies,
      only: new Set(theirs.map((a) => a.id)),
    });
    const moves: Move[] = [...result.moves];
    const groupOf = new Map(team.members.map((m) => [m.userId, m.groupId]));
    const leadOf = new Map(team.groups.map((g) => [g.id, g.leadId]));
    let toLead = 0;
    const stuck: string[] = [];
    for (const u of result.unplaced) {
      // The account's group lead, else the leaving CSM's own group lead.
      const candidates = [u.groupId ? leadOf.get(u.groupId) : null, leadOf.get(groupOf.get(userId) ?? '')];
      const lead = candidates.find((l) => l && l !== userId && team.users.get(l)?.active);
      if (!lead) {
        stuck.push(u.accountId);
        continue;
      }
      moves.push({
        accountId: u.accountId,
        from: userId,
        to: lead,
        groupId: u.groupId ?? '',
        reason: 'owner_inactive',
      });
      toLead++;
    }
    moves.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
    const fingerprint = fingerprintOf(moves);
    const names = new Map(book.map((a) => [a.id, a.name]));
    const name = (id: string | null) => (id === null ? null : (team.users.get(id)?.name ?? id));
    let tasks = { open: null as number | null, reassigned: null as number | null };
    if (apply) {
      if (stuck.length) {
        throw conflict(msg('team.error.stuck', { count: stuck.length }), { accounts: stuck.slice(0, 50) });
      }
      if (data.fingerprint && data.fingerprint !== fingerprint) {
        throw conflict(msg('team.error.offboardingChanged'), {
          expected: data.fingerprint,
          actual: fingerprint,
        });
      }
      if (moves.length) {
        await reassignAccountOwners({
          ctx: tx,
          input: {
            cause: `offboarding of ${leaving.name}`,
            moves: moves.map((m) => ({ accountId: m.accountId, ownerId: m.to, reason: m.reason })),
          },
        });
      }
      tasks = await reassignOpenTasks(tx, userId, new Map(moves.map((m) => [m.accountId, m.to])), true);
      await tx.db
        .deleteFrom('csm_group_members')
        .where('workspace_id', '=', tx.workspace.id)
        .where('user_id', '=', userId)
        .execute();
      if (data.deactivate) {
        await updateUser({ ctx: tx, id: userId, input: { active: false } });
      }
    } else {
      tasks = await reassignOpenTasks(tx, userId, new Map(moves.map((m) => [m.accountId, m.to])), false);
    }
    return {
      userId,
      applied: apply,
      deactivated: apply && data.deactivate,
      fingerprint,
      accounts: theirs.length,
      toLead,
      moves: moves.slice(0, data.limit).map((m) => ({
        ...m,
        accountName: names.get(m.accountId) ?? '',
        fromName: name(m.from),
        toName: name(m.to) ?? m.to,
      })),
      openTasks: tasks.open,
      tasksReassigned: tasks.reassigned,
    };
  };
  return apply ? inTransaction(ctx, run) : run(ctx);
}

export { type ActionResult, describeAction, runActions } from './actions.ts';
export { automationRoutes, INBOUND_WEBHOOK_PATH } from './automation.routes.ts';
export {
  Action,
  CreatePlaybook,
  CreateRule,
  DryRunInput,
  Playbook,
  Rule,
  RunRulesInput,
  Trigger,
  UpdatePlaybook,
  UpdateRule,
} from './automation.schemas.ts';
export {
  botBody,
  botRefused,
  dingtalkSign,
  feishuSign,
  SUBSCRIPTION_KINDS,
  type SubscriptionKind,
  signedBotRequest,
} from './bot-formats.ts';
export { getEffectiveness, keepEffectiveness } from './effectiveness.ts';
export { dryRunSpec, type RunSummary, runDailySpecs, runSpec } from './engine.ts';
export { emitEvent, emitEvents, OUT_EVENT_TYPES, type OutEvent, type OutEventType } from './events-out.ts';
export { rulesReadingFacts } from './fact-users.ts';
export { loadDayInputs, loadRulesBatch } from './inputs.ts';
export {
  createPlaybook,
  DEFAULT_PLAYBOOKS,
  deletePlaybook,
  getPlaybook,
  installDefaultPlaybooks,
  listPlaybooks,
  playbookSpecs,
  playbookTouchCadences,
  updatePlaybook,
} from './playbooks.ts';
export {
  createRule,
  deleteRule,
  dryRunRule,
  getRule,
  listRuleRuns,
  listRules,
  rotateRuleSecret,
  setRuleEnabled,
  triggerRuleWebhook,
  updateRule,
  WEBHOOK_SECRET_HEADER,
} from './rules.ts';
export {
  automationSchedulesJob,
  DAILY_RULES_FROM_HOUR,
  loadAllSpecs,
  type RulesRunReport,
  runDueSchedules,
  runRules,
  runRulesAfterRecompute,
} from './run-rules.ts';
export { subscriptionsRoutes } from './subscriptions.routes.ts';
export {
  CreateSubscription,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptionDeliveries,
  listSubscriptions,
  Subscription,
  SubscriptionDelivery,
  testSubscription,
  UpdateSubscription,
  updateSubscription,
} from './subscriptions.ts';
export { renderTemplate } from './template.ts';
export {
  applyLimits,
  type DayInputs,
  matchRule,
  type RuleSpec,
  rankWithin,
  triggerMatches,
} from './triggers.ts';
export { deliverDueWebhooks, deliverWebhooksJob, signWebhook, verifyWebhookSignature } from './webhooks.ts';

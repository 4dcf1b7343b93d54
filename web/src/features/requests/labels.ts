import type { Translate } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

export const reqTypeLabel = (t: Translate, type: string) => t(`reqType_${type}` as MessageKey);
export const reqStatusLabel = (t: Translate, status: string) => t(`reqStatus_${status}` as MessageKey);
export const factorLabel = (t: Translate, key: string) => t(`factor_${key}` as MessageKey);
export const STATUS_COLORS: Record<string, string> = {
  new: 'blue',
  under_review: 'gold',
  planned: 'purple',
  in_progress: 'cyan',
  shipped: 'green',
  declined: 'default',
};

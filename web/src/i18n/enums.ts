import { useCallback } from 'react';
import { useI18n } from './i18n.tsx';
import { type MessageKey, messages } from './messages.ts';

export type EnumGroup =
  | 'tier'
  | 'teamRole'
  | 'contractStatus'
  | 'behaviour'
  | 'jobStatus'
  | 'trigger'
  | 'action'
  | 'field'
  | 'option'
  | 'aggregation'
  | 'fieldType'
  | 'scope'
  | 'planKind'
  | 'planStatus'
  | 'objectiveStatus'
  | 'milestoneStatus'
  | 'opportunityKind'
  | 'opportunityStage'
  | 'rfmSegment'
  | 'ticketStatus'
  | 'ticketPriority'
  | 'ticketChannel'
  | 'subscriptionKind'
  | 'outEvent'
  | 'deliveryStatus'
  | 'outcome'
  | 'surveyKind'
  | 'surveySource'
  | 'npsCategory';

/**
 * An enum key in words (`tier`, `strategic` → 战略型 / Strategic). A key the workspace made up
 * itself (an admin's own tier name) is that workspace's word and shows as it is. A composite tier
 * (`华东/制造/large`) is read part by part.
 */
export function useEnumLabel() {
  const { t } = useI18n();
  return useCallback(
    (group: EnumGroup, key: string | null | undefined): string => {
      if (key === null || key === undefined || key === '') return '';
      const one = (k: string) => {
        const id = `${group}.${k}`;
        return id in messages ? t(id as MessageKey) : k;
      };
      if (group === 'tier' && key.includes('/')) return key.split('/').map(one).join('/');
      return one(key);
    },
    [t],
  );
}

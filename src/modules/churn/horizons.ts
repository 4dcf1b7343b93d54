/** The horizons a churn model is trained for: days before a contract's end. */
export const HORIZONS = [30, 60, 90, 180] as const;
export type Horizon = (typeof HORIZONS)[number];

export type OutcomeKind = 'renewed' | 'expanded' | 'downgraded' | 'churned' | 'still_active';

/**
 * The high-risk categories the seeds name (seed 1: billing, legal, medical; seed 2: payments and
 * contracts, complaints, account blocking, data leakage) as phrase sets. A trailing `*` marks a
 * stem. A policy's `gates.safety.topics` replaces this set.
 */
export const DEFAULT_TOPICS: Readonly<Record<string, readonly string[]>> = {
  billing: [
    'billing',
    'bill',
    'invoice*',
    'refund*',
    'overcharg*',
    'charged',
    'chargeback*',
    'счет',
    'счёт',
    'возврат*',
  ],
  legal: [
    'lawsuit*',
    'lawyer*',
    'attorney*',
    'legal action',
    'sue',
    'court',
    'liability',
    'subpoena*',
    'суд*',
    'юрист*',
  ],
  medical: [
    'diagnos*',
    'prescription*',
    'dosage',
    'symptom*',
    'medication*',
    'treatment*',
    'doctor*',
    'диагноз*',
    'лекарств*',
  ],
  payments: [
    'payment*',
    'wire transfer',
    'bank transfer',
    'contract*',
    'loan*',
    'installment*',
    'платеж*',
    'платёж*',
    'договор*',
  ],
  complaints: ['complain*', 'complaint*', 'dissatisfied', 'unacceptable', 'escalate', 'жалоб*', 'претензи*'],
  account_blocking: [
    'account blocked',
    'account suspended',
    'account locked',
    'block my account',
    'freeze my account',
    'заблокирован*',
    'блокировк*',
  ],
  data_leakage: [
    'data breach*',
    'data leak*',
    'leaked',
    'exposed data',
    'unauthorized access',
    'unauthorised access',
    'утечк*',
  ],
};

/**
 * Words that, within the three words before a topic phrase, mean the text says the topic is
 * absent ("no billing issue", "not a medical question"), so the phrase does not count.
 */
export const NEGATIONS: readonly string[] = [
  'no',
  'not',
  'never',
  'without',
  "isn't",
  "don't",
  "doesn't",
  'nothing',
  'не',
  'нет',
  'без',
];

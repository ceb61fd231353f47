-- The review queue, second part (issue #6): cheaper claims and cards, skills, stream resume.

-- A held-case count reads the few claimed cases through cases_claimed_lease; one index fewer is
-- one insert fewer on every claim.
drop index if exists cases_claimed_by;

-- The decision that closed a case, so a card's history joins it by key instead of searching a
-- case's decisions for its newest.
alter table cases add column decision_id text;
update cases c set decision_id = (
  select d.id from decisions d
  where d.tenant_id = c.tenant_id and d.case_id = c.id and not d.blind
  order by d.decided_at desc limit 1)
where c.status = 'closed';

-- Skills a reviewer needs to take a case (the rule's `skills`); a claim passes over cases whose
-- skills the reviewer lacks in that group.
alter table cases add column required_skills text[] not null default '{}';

-- An event stream client resuming from its Last-Event-ID reads the verdicts decided since.
create index transactions_decided on transactions (tenant_id, decided_at)
  where action = 'review' and decided_at is not null;

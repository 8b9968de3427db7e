-- The process that runs an approved proposal's action: if it dies before the action finishes,
-- the proposal is not left `approved` for ever (memory/approvals.ts failInterruptedApprovals).
ALTER TABLE proposals ADD COLUMN executor_pid INTEGER;
ALTER TABLE proposals ADD COLUMN executor_identity TEXT;

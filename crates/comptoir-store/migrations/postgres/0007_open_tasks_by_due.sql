-- The whole team's open tasks by due date (the tasks page for "everyone"); each person's,
-- each contact's and each company's have their own partial indexes already.

CREATE INDEX activities_open_tasks_due ON activities (due_at) WHERE kind = 'task' AND NOT done;

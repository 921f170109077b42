-- Each user may work in their own time zone (an IANA name); the instance's applies otherwise.

ALTER TABLE users ADD COLUMN timezone TEXT;

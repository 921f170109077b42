//! What customer service adds up to: the counts of a report, kept per month and group of tickets
//! as tickets change, and read back whole or split.

use crate::ids::{TeamId, UserId};
use crate::surveys::SATISFIED_FROM;
use crate::tickets::{Ticket, TicketChannel, TicketPriority};
use chrono::{DateTime, Datelike, DurationRound, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What a service report splits its tickets by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportGrouping {
    Assignee,
    Team,
    Channel,
    Priority,
}

impl ReportGrouping {
    pub fn parse(s: &str) -> Option<Self> {
        [ReportGrouping::Assignee, ReportGrouping::Team, ReportGrouping::Channel, ReportGrouping::Priority]
            .into_iter()
            .find(|g| g.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportGrouping::Assignee => "assignee",
            ReportGrouping::Team => "team",
            ReportGrouping::Channel => "channel",
            ReportGrouping::Priority => "priority",
        }
    }
}

/// The tickets a service report covers: those opened in `[from, until)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceReportScope {
    pub from: chrono::NaiveDate,
    pub until: chrono::NaiveDate,
    pub by: Option<ReportGrouping>,
}

/// What a group of tickets adds up to. Every field is a sum over the group's tickets, so
/// groups add up and a ticket's change is its new counts less its old ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceCounts {
    pub opened: i64,
    pub solved: i64,
    pub first_response_met: i64,
    pub first_response_missed: i64,
    /// Later messages of requesters answered in time, and late.
    pub next_response_met: i64,
    pub next_response_missed: i64,
    pub resolution_met: i64,
    pub resolution_missed: i64,
    /// Solved with one public answer at most, never opened again.
    pub first_contact_resolutions: i64,
    pub reopened: i64,
    /// Tickets answered, and their wall-clock waits for that first answer, summed.
    pub answered: i64,
    pub first_response_millis: i64,
    /// Tickets their requester scored, those scored satisfied, and the scores summed.
    pub rated: i64,
    pub satisfied: i64,
    pub rating_points: i64,
    /// Tickets answered, by how long the first answer took ([`WAIT_BANDS_MINUTES`]).
    pub first_response_waits: Waits,
    /// Tickets solved, by how long it took from opening.
    pub resolution_waits: Waits,
}

/// Where waits are cut into bands, in minutes: five minutes, a quarter, half an hour, an hour,
/// two, four, eight, a day, two, four, a week, two, a month; the last band is longer.
pub const WAIT_BANDS_MINUTES: [i64; 13] =
    [5, 15, 30, 60, 120, 240, 480, 1440, 2880, 5760, 10080, 20160, 43200];

/// How many tickets waited how long, one count per band of [`WAIT_BANDS_MINUTES`] and one
/// for longer: counts that add up, from which a median is read.
pub type Waits = [i64; WAIT_BANDS_MINUTES.len() + 1];

/// The band a wait of `millis` falls in.
pub fn wait_band(millis: i64) -> usize {
    WAIT_BANDS_MINUTES
        .iter()
        .position(|minutes| millis < minutes * 60_000)
        .unwrap_or(WAIT_BANDS_MINUTES.len())
}

/// The median wait of `waits`, in seconds, read within its band as if the band's waits were
/// spread evenly; the longest band, which has no end, gives its start. None without waits.
pub fn median_seconds(waits: &Waits) -> Option<f64> {
    let total: i64 = waits.iter().sum();
    if total <= 0 {
        return None;
    }
    let half = total as f64 / 2.0;
    let mut before = 0.0;
    for (band, count) in waits.iter().enumerate() {
        let count = *count as f64;
        if count > 0.0 && before + count >= half {
            let start = if band == 0 { 0 } else { WAIT_BANDS_MINUTES[band - 1] } as f64 * 60.0;
            let Some(end) = WAIT_BANDS_MINUTES.get(band) else { return Some(start) };
            let within = (half - before) / count;
            return Some(start + within * (*end as f64 * 60.0 - start));
        }
        before += count;
    }
    None
}

impl ServiceCounts {
    /// What `ticket` counts for in its group.
    pub fn of(ticket: &Ticket) -> ServiceCounts {
        let (track, sla) = (&ticket.track, &ticket.sla);
        // A ticket merged into another was one request asked twice: the one it joined counts.
        if track.merged_into_id.is_some() {
            return ServiceCounts::default();
        }
        let solved = track.solved_at.is_some();
        let one = |yes: bool| i64::from(yes);
        ServiceCounts {
            opened: 1,
            solved: one(solved),
            first_response_met: one(track.first_response_at.is_some()
                && sla.first_response_due_at.is_some()
                && sla.first_response_breached_at.is_none()),
            first_response_missed: one(sla.first_response_breached_at.is_some()),
            next_response_met: track.next_responses_met,
            next_response_missed: track.next_responses_missed,
            resolution_met: one(solved
                && sla.resolution_due_at.is_some()
                && sla.resolution_breached_at.is_none()),
            resolution_missed: one(sla.resolution_breached_at.is_some()),
            first_contact_resolutions: one(ticket.resolved_at_first_contact()),
            reopened: one(track.reopened > 0),
            answered: one(track.first_response_at.is_some()),
            first_response_millis: track
                .first_response_at
                .map_or(0, |at| (at - ticket.created_at).num_milliseconds()),
            rated: one(track.satisfaction.is_some()),
            satisfied: one(track.satisfaction.is_some_and(|score| score >= SATISFIED_FROM)),
            rating_points: track.satisfaction.map_or(0, i64::from),
            first_response_waits: waited(ticket.created_at, track.first_response_at),
            resolution_waits: waited(ticket.created_at, track.solved_at),
        }
    }

    /// These counts taken away instead of added.
    pub fn negated(&self) -> ServiceCounts {
        let mut negated = ServiceCounts::default();
        negated.subtract(self);
        negated
    }

    pub fn add(&mut self, other: &ServiceCounts) {
        self.combine(other, 1);
    }

    pub fn subtract(&mut self, other: &ServiceCounts) {
        self.combine(other, -1);
    }

    fn combine(&mut self, other: &ServiceCounts, sign: i64) {
        self.opened += sign * other.opened;
        self.solved += sign * other.solved;
        self.first_response_met += sign * other.first_response_met;
        self.first_response_missed += sign * other.first_response_missed;
        self.next_response_met += sign * other.next_response_met;
        self.next_response_missed += sign * other.next_response_missed;
        self.resolution_met += sign * other.resolution_met;
        self.resolution_missed += sign * other.resolution_missed;
        self.first_contact_resolutions += sign * other.first_contact_resolutions;
        self.reopened += sign * other.reopened;
        self.answered += sign * other.answered;
        self.first_response_millis += sign * other.first_response_millis;
        self.rated += sign * other.rated;
        self.satisfied += sign * other.satisfied;
        self.rating_points += sign * other.rating_points;
        for (mine, theirs) in self.first_response_waits.iter_mut().zip(other.first_response_waits) {
            *mine += sign * theirs;
        }
        for (mine, theirs) in self.resolution_waits.iter_mut().zip(other.resolution_waits) {
            *mine += sign * theirs;
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == ServiceCounts::default()
    }

    /// Mean wall-clock time to the first answer, over the tickets answered.
    pub fn mean_first_response_seconds(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.first_response_millis as f64 / 1000.0 / self.answered as f64)
    }
}

/// The tickets a report can tell apart: who has them, how they came, how urgent they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TicketGroup {
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub channel: TicketChannel,
    pub priority: TicketPriority,
}

/// Where a ticket's counts are kept: its group, in the hour (UTC) it was opened. Reports add
/// up whole months, so the counts are kept per month; the backlog ages tickets to the hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServiceTally {
    pub hour: DateTime<Utc>,
    pub group: TicketGroup,
}

impl ServiceTally {
    pub fn of(ticket: &Ticket) -> ServiceTally {
        let fields = &ticket.fields;
        ServiceTally::opened(
            ticket.created_at,
            fields.assignee_id,
            fields.team_id,
            fields.channel,
            fields.priority,
        )
    }

    /// The tally of a ticket opened at `at` in its group.
    pub fn opened(
        at: DateTime<Utc>,
        assignee_id: Option<UserId>,
        team_id: Option<TeamId>,
        channel: TicketChannel,
        priority: TicketPriority,
    ) -> ServiceTally {
        let hour = at.duration_trunc(chrono::TimeDelta::hours(1)).unwrap_or(at);
        ServiceTally { hour, group: TicketGroup { assignee_id, team_id, channel, priority } }
    }

    /// The first day of the month the ticket was opened in.
    pub fn month(&self) -> NaiveDate {
        let day = self.hour.date_naive();
        day.with_day(1).unwrap_or(day)
    }
}

/// What a change does to the tickets unresolved in its tally's hour: a ticket counts from
/// when it is opened until it is solved.
pub fn unresolved_change(counts: &ServiceCounts) -> i64 {
    counts.opened - counts.solved
}

/// How a ticket's change moves the kept counts: what to take from where it counted and add
/// where it counts now; nothing when neither moved.
pub fn moves(before: &Ticket, after: &Ticket) -> Vec<(ServiceTally, ServiceCounts)> {
    let (from, to) = (ServiceTally::of(before), ServiceTally::of(after));
    let (old, new) = (ServiceCounts::of(before), ServiceCounts::of(after));
    if from == to {
        let mut change = new;
        change.subtract(&old);
        return if change.is_zero() { Vec::new() } else { vec![(to, change)] };
    }
    vec![(from, old.negated()), (to, new)]
}

/// The whole of `groups` and, when `by` says, their sums by assignee, channel or priority,
/// ordered by the group's name, nobody's last.
pub fn gather(
    groups: impl IntoIterator<Item = (TicketGroup, ServiceCounts)>,
    by: Option<ReportGrouping>,
) -> (ServiceCounts, Vec<(Option<String>, ServiceCounts)>) {
    let mut total = ServiceCounts::default();
    let mut split: std::collections::BTreeMap<(bool, Option<String>), ServiceCounts> = Default::default();
    for (group, counts) in groups {
        total.add(&counts);
        let name = match by {
            None => continue,
            Some(ReportGrouping::Assignee) => group.assignee_id.map(|id| id.0.to_string()),
            Some(ReportGrouping::Team) => group.team_id.map(|id| id.0.to_string()),
            Some(ReportGrouping::Channel) => Some(group.channel.as_str().to_owned()),
            Some(ReportGrouping::Priority) => Some(group.priority.as_str().to_owned()),
        };
        split.entry((name.is_none(), name)).or_default().add(&counts);
    }
    // A group whose tickets all moved to others adds up to nothing: it is not shown.
    let split = split.into_iter().filter(|(_, counts)| !counts.is_zero());
    (total, split.map(|((_, name), counts)| (name, counts)).collect())
}

/// One ticket in the band of its wait from `opened` until `then`; none before then.
fn waited(opened: DateTime<Utc>, then: Option<DateTime<Utc>>) -> Waits {
    let mut waits = Waits::default();
    if let Some(then) = then {
        waits[wait_band((then - opened).num_milliseconds())] = 1;
    }
    waits
}

/// One group's figures: counts, and the rates read from them (absent when nothing counts).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ServiceReportRow {
    /// The assignee's or the team's id, the channel or the priority; absent for the whole,
    /// or for tickets of nobody or of no team.
    pub group: Option<String>,
    pub opened: i64,
    pub solved: i64,
    pub unresolved: i64,
    pub first_response_met: i64,
    pub first_response_missed: i64,
    /// Met over met and missed.
    pub first_response_compliance: Option<f64>,
    pub next_response_met: i64,
    pub next_response_missed: i64,
    pub next_response_compliance: Option<f64>,
    pub resolution_met: i64,
    pub resolution_missed: i64,
    pub resolution_compliance: Option<f64>,
    pub first_contact_resolutions: i64,
    /// First-contact resolutions over tickets solved.
    pub first_contact_resolution_rate: Option<f64>,
    pub reopened: i64,
    /// Tickets opened again over tickets solved.
    pub reopen_rate: Option<f64>,
    pub mean_first_response_seconds: Option<f64>,
    /// The median wall-clock wait for a first answer, read from the waits' bands (see
    /// `first_response_waits`): within a few minutes below an hour, coarser beyond.
    pub median_first_response_seconds: Option<f64>,
    /// The median wall-clock time from opening to solution, read the same way.
    pub median_resolution_seconds: Option<f64>,
    /// Tickets answered by how long the first answer took, one count per band: under 5
    /// minutes, 15, 30, an hour, 2, 4, 8 hours, a day, 2, 4 days, a week, 2 weeks, 30 days,
    /// longer.
    pub first_response_waits: Vec<i64>,
    /// Tickets solved by how long it took, in the same bands.
    pub resolution_waits: Vec<i64>,
    /// Tickets their requester scored in the satisfaction survey.
    pub rated: i64,
    /// CSAT: the scores of 4 or 5 over the scores given.
    pub satisfaction: Option<f64>,
    /// The mean score, 1 to 5.
    pub mean_rating: Option<f64>,
}

impl ServiceReportRow {
    pub fn new(group: Option<String>, c: ServiceCounts) -> ServiceReportRow {
        let ratio = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);
        ServiceReportRow {
            group,
            opened: c.opened,
            solved: c.solved,
            unresolved: c.opened - c.solved,
            first_response_met: c.first_response_met,
            first_response_missed: c.first_response_missed,
            first_response_compliance: ratio(
                c.first_response_met,
                c.first_response_met + c.first_response_missed,
            ),
            next_response_met: c.next_response_met,
            next_response_missed: c.next_response_missed,
            next_response_compliance: ratio(
                c.next_response_met,
                c.next_response_met + c.next_response_missed,
            ),
            resolution_met: c.resolution_met,
            resolution_missed: c.resolution_missed,
            resolution_compliance: ratio(c.resolution_met, c.resolution_met + c.resolution_missed),
            first_contact_resolutions: c.first_contact_resolutions,
            first_contact_resolution_rate: ratio(c.first_contact_resolutions, c.solved),
            reopened: c.reopened,
            reopen_rate: ratio(c.reopened, c.solved),
            mean_first_response_seconds: c.mean_first_response_seconds(),
            median_first_response_seconds: median_seconds(&c.first_response_waits),
            median_resolution_seconds: median_seconds(&c.resolution_waits),
            first_response_waits: c.first_response_waits.to_vec(),
            resolution_waits: c.resolution_waits.to_vec(),
            rated: c.rated,
            satisfaction: ratio(c.satisfied, c.rated),
            mean_rating: (c.rated > 0).then(|| c.rating_points as f64 / c.rated as f64),
        }
    }
}

/// Where the backlog's ages are cut, in days: under a day, one to three, three to seven, a week
/// to a month, older.
pub const BACKLOG_CUTS_DAYS: [i64; 4] = [1, 3, 7, 30];

/// The unresolved tickets of one age, now.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BacklogBand {
    /// Opened at least this many days ago…
    pub from_days: i64,
    /// …and fewer than this many (none: any older).
    pub until_days: Option<i64>,
    pub tickets: i64,
}

/// The bands of [`BACKLOG_CUTS_DAYS`] with their counts, youngest first.
pub fn backlog_bands(counts: &[i64]) -> Vec<BacklogBand> {
    let starts = std::iter::once(0).chain(BACKLOG_CUTS_DAYS);
    let ends = BACKLOG_CUTS_DAYS.iter().copied().map(Some).chain(std::iter::once(None));
    starts
        .zip(ends)
        .zip(counts.iter().copied().chain(std::iter::repeat(0)))
        .map(|((from_days, until_days), tickets)| BacklogBand { from_days, until_days, tickets })
        .collect()
}

/// Customer service over a period: every ticket opened in it, then each group's.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ServiceReport {
    pub from: chrono::NaiveDate,
    pub until: chrono::NaiveDate,
    pub by: Option<ReportGrouping>,
    pub total: ServiceReportRow,
    pub groups: Vec<ServiceReportRow>,
    /// The tickets unresolved now, whenever they were opened, by age.
    pub backlog: Vec<BacklogBand>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::{TicketInput, TicketRefs, TicketStatus};
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).single().unwrap_or_default()
    }

    fn ticket(status: TicketStatus, assignee: Option<UserId>) -> crate::tickets::TicketFields {
        let input =
            TicketInput { subject: Some("Printer".into()), status: Some(status), ..TicketInput::default() };
        let mut fields = input.validate(&[], None, None).unwrap_or_else(|e| panic!("{e:?}"));
        fields.assignee_id = assignee;
        fields
    }

    /// Replays `moves` over a ticket's life and checks the kept counts equal its counts now.
    fn kept(history: &[Ticket]) -> std::collections::HashMap<ServiceTally, ServiceCounts> {
        let mut kept: std::collections::HashMap<ServiceTally, ServiceCounts> = Default::default();
        if let Some(first) = history.first() {
            kept.entry(ServiceTally::of(first)).or_default().add(&ServiceCounts::of(first));
        }
        for pair in history.windows(2) {
            for (tally, change) in moves(&pair[0], &pair[1]) {
                kept.entry(tally).or_default().add(&change);
            }
        }
        kept.retain(|_, counts| !counts.is_zero());
        kept
    }

    #[test]
    fn a_ticket_counts_once_where_it_is_now_however_it_moved() {
        let (ann, bob) = (UserId::new(), UserId::new());
        let none = TicketRefs::default;
        let opened = Ticket::new(ticket(TicketStatus::New, Some(ann)), none(), at(2, 9));
        let answered = opened.clone().answered(at(2, 10));
        let handed_over = answered.changed(ticket(TicketStatus::Open, Some(bob)), none(), at(3, 9));
        let solved = handed_over.changed(ticket(TicketStatus::Solved, Some(bob)), none(), at(4, 9));
        let history = [opened, answered, handed_over, solved.clone()];
        let kept = kept(&history);
        assert_eq!(kept.len(), 1, "ann's count went to bob: {kept:?}");
        assert_eq!(kept.get(&ServiceTally::of(&solved)), Some(&ServiceCounts::of(&solved)));
        let counts = ServiceCounts::of(&solved);
        assert_eq!((counts.opened, counts.solved, counts.first_contact_resolutions), (1, 1, 1));
        assert_eq!(counts.mean_first_response_seconds(), Some(3600.0));
    }

    #[test]
    fn a_ticket_is_kept_in_its_hour_and_month_of_opening_and_waits_until_solved() {
        let late = at(30, 23) + chrono::Duration::minutes(59);
        let opened = Ticket::new(ticket(TicketStatus::New, None), TicketRefs::default(), late);
        let tally = ServiceTally::of(&opened);
        assert_eq!((tally.hour, tally.month()), (at(30, 23), at(1, 0).date_naive()));
        assert_eq!(unresolved_change(&ServiceCounts::of(&opened)), 1);
        let solved = opened.changed(ticket(TicketStatus::Solved, None), TicketRefs::default(), at(30, 23));
        let waits: i64 = moves(&opened, &solved).iter().map(|(_, change)| unresolved_change(change)).sum();
        assert_eq!(waits, -1, "solved, it waits no more");
        let reopened = solved.changed(
            ticket(TicketStatus::Open, Some(UserId::new())),
            TicketRefs::default(),
            at(30, 23),
        );
        let waits: i64 = moves(&solved, &reopened).iter().map(|(_, change)| unresolved_change(change)).sum();
        assert_eq!(waits, 1, "opened again and handed to someone, it waits once");
    }

    #[test]
    fn the_median_wait_is_read_within_its_band() {
        assert_eq!((wait_band(0), wait_band(5 * 60_000 - 1), wait_band(5 * 60_000)), (0, 0, 1));
        assert_eq!(wait_band(90 * 24 * 3_600_000), WAIT_BANDS_MINUTES.len());
        let mut waits = Waits::default();
        assert_eq!(median_seconds(&waits), None);
        (waits[0], waits[1]) = (1, 1);
        assert_eq!(median_seconds(&waits), Some(300.0), "half of two is the first, at its band's end");
        waits = Waits::default();
        waits[3] = 4;
        assert_eq!(median_seconds(&waits), Some(2700.0), "four between 30 and 60 minutes: 45");
        waits = Waits::default();
        waits[WAIT_BANDS_MINUTES.len()] = 3;
        assert_eq!(median_seconds(&waits), Some(30.0 * 24.0 * 3600.0), "the last band gives its start");
        let opened = Ticket::new(ticket(TicketStatus::New, None), TicketRefs::default(), at(2, 9));
        let answered = opened.clone().answered(at(2, 10));
        let counts = ServiceCounts::of(&answered);
        assert_eq!(counts.first_response_waits[3], 0);
        assert_eq!(
            counts.first_response_waits[4], 1,
            "an hour to the first answer: the band from one to two"
        );
        assert_eq!(counts.resolution_waits, Waits::default(), "not solved yet");
    }

    #[test]
    fn a_change_that_moves_no_count_writes_nothing() {
        let opened = Ticket::new(ticket(TicketStatus::New, None), TicketRefs::default(), at(2, 9));
        let mut renamed = opened.changed(ticket(TicketStatus::New, None), TicketRefs::default(), at(2, 11));
        renamed.fields.subject = "Scanner".into();
        assert!(moves(&opened, &renamed).is_empty());
    }

    #[test]
    fn the_backlog_has_a_band_per_age_and_the_last_has_no_end() {
        let bands = backlog_bands(&[5, 4, 3, 2, 1]);
        assert_eq!(bands.len(), 5);
        assert_eq!((bands[0].from_days, bands[0].until_days, bands[0].tickets), (0, Some(1), 5));
        assert_eq!((bands[4].from_days, bands[4].until_days, bands[4].tickets), (30, None, 1));
    }

    #[test]
    fn groups_add_up_to_the_whole_and_nobody_comes_last() {
        let ann = UserId::new();
        let group = |assignee_id| TicketGroup {
            assignee_id,
            team_id: None,
            channel: crate::tickets::TicketChannel::Email,
            priority: TicketPriority::Normal,
        };
        let one = ServiceCounts { opened: 1, ..ServiceCounts::default() };
        let two = ServiceCounts { opened: 2, solved: 1, ..ServiceCounts::default() };
        let rows =
            [(group(None), one.clone()), (group(Some(ann)), two.clone()), (group(Some(ann)), one.clone())];
        let (total, split) = gather(rows.clone(), Some(ReportGrouping::Assignee));
        assert_eq!((total.opened, total.solved), (4, 1));
        let names: Vec<_> = split.iter().map(|(name, c)| (name.clone(), c.opened)).collect();
        assert_eq!(names, [(Some(ann.0.to_string()), 3), (None, 1)]);
        let (_, by_channel) = gather(rows.clone(), Some(ReportGrouping::Channel));
        assert_eq!(by_channel.len(), 1);
        assert!(gather(rows, None).1.is_empty());
    }
}

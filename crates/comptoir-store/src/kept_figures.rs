//! Totals kept beside the records they add up (the board's per stage, the forecast's per day)
//! follow each change of a record: what it added where it counted is taken away, and added
//! where it counts now.

/// What one record adds to the row where it counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    pub deals: i64,
    pub amount: i64,
    pub weighted: i64,
}

impl Figures {
    fn minus(self, other: Figures) -> Figures {
        Figures {
            deals: self.deals - other.deals,
            amount: self.amount - other.amount,
            weighted: self.weighted - other.weighted,
        }
    }

    fn negated(self) -> Figures {
        Figures::default().minus(self)
    }

    /// Whether a row this was added to may have lost its last record.
    pub fn takes_away(self) -> bool {
        self.deals < 0
    }
}

/// The additions that move a record counted under `before` to `after` (`None` where it does
/// not count): none when nothing changed, the difference when it stays in its row, otherwise one
/// per row in the order of their keys. That order is what keeps two changes moving records in
/// opposite directions from each waiting on the row the other holds: both take the rows' locks
/// in the same order.
pub(crate) fn moves<K: Ord>(before: Option<(K, Figures)>, after: Option<(K, Figures)>) -> Vec<(K, Figures)> {
    let mut moves = match (before, after) {
        (Some((was, taken)), Some((is, added))) if was == is => {
            let difference = added.minus(taken);
            if difference == Figures::default() { vec![] } else { vec![(is, difference)] }
        }
        (before, after) => {
            before.map(|(key, taken)| (key, taken.negated())).into_iter().chain(after).collect()
        }
    };
    moves.sort_by(|a, b| a.0.cmp(&b.0));
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(amount: i64, probability: i64) -> Figures {
        Figures { deals: 1, amount, weighted: amount * probability }
    }

    #[test]
    fn a_record_that_stays_in_its_row_moves_only_the_difference() {
        assert_eq!(
            moves(Some(("a", one(100, 50))), Some(("a", one(150, 60)))),
            vec![("a", Figures { deals: 0, amount: 50, weighted: 9000 - 5000 })]
        );
        assert_eq!(moves(Some(("a", one(100, 50))), Some(("a", one(100, 50)))), vec![]);
    }

    #[test]
    fn a_record_changing_rows_takes_them_in_key_order_whichever_way_it_goes() {
        let forward = moves(Some(("a", one(100, 50))), Some(("b", one(100, 50))));
        let backward = moves(Some(("b", one(100, 50))), Some(("a", one(100, 50))));
        assert_eq!(forward, vec![("a", one(100, 50).negated()), ("b", one(100, 50))]);
        assert_eq!(backward, vec![("a", one(100, 50)), ("b", one(100, 50).negated())]);
        assert!(forward[0].1.takes_away() && !backward[0].1.takes_away());
    }

    #[test]
    fn a_record_created_or_deleted_touches_one_row() {
        assert_eq!(moves(None, Some(("a", one(7, 10)))), vec![("a", one(7, 10))]);
        assert_eq!(moves(Some(("a", one(7, 10))), None), vec![("a", one(7, 10).negated())]);
        assert_eq!(moves::<&str>(None, None), vec![]);
    }
}

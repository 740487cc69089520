//! The one matcher of the list filters (nucleo-matcher, fzf's syntax): words are fuzzy and all
//! must match, smart case (an upper-case letter makes its word case-sensitive), a leading `'`
//! makes a word an exact substring, `^`/`$` anchor it, `!` excludes. A patient also matches
//! when the query is the start of its `user_id` (fuzzy over 32 random hex digits would match
//! nearly every id for any short run of digits).
//!
//! A query of one plain word (what staff type of an id: a number, an MRN) ranks by where it
//! stands in the id: the id itself first, then ids ending with it, then ids holding it, then
//! fuzzy matches; a word of digits only matches where it stands whole. Within each, the fuzzy
//! score, then list order.
//!
//! [`filter`] matches a [`Roster`] (or only the candidates an earlier query left, when the
//! query grew) on as many threads as asked and ranks the matches: best score first, then in
//! list order. It is pure; the app runs it inline for small lists and the runtime off the loop
//! for large ones ([`Job`]). [`highlight`] gives the matched characters of one drawn row.

use std::cell::RefCell;
use std::sync::Arc;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::roster::Roster;

/// A parsed filter.
#[derive(Debug)]
pub struct Query {
    text: String,
    pattern: Pattern,
    /// The query in lower case when it can be the start of a `user_id` (hex digits and `-`).
    id_prefix: Option<String>,
    /// The query when it is one plain word (no space, no `'^!$\\`): the part of an id staff
    /// type, ranked by where it stands in the id ([`Place`]).
    word: Option<Word>,
}

/// A one-word query, as it is compared with an id.
#[derive(Debug)]
struct Word {
    text: String,
    /// The word as an exact substring, to score it where it stands whole (far cheaper than the
    /// fuzzy pattern's best alignment, which a word standing whole does not need).
    atom: Atom,
    /// No upper-case letter: compared ignoring case (smart case, as the fuzzy match).
    fold_case: bool,
    /// Only digits: matches only where it stands whole (a number is not spread out).
    digits: bool,
}

/// Where a one-word query stands in an id, best first: the id itself, at its end, somewhere in
/// it, or spread out (a fuzzy match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    Spread,
    Inside,
    AtEnd,
    Whole,
}

impl Place {
    /// Added to the fuzzy score, so that a better place always ranks first and the fuzzy score
    /// orders the matches within one place.
    const STEP: u32 = 10_000;

    fn bonus(self) -> u32 {
        self as u32 * Place::STEP
    }
}

impl Word {
    fn parse(trimmed: &str) -> Option<Word> {
        let plain = !trimmed.is_empty()
            && !trimmed.contains(char::is_whitespace)
            && !trimmed.starts_with(['\'', '^', '!'])
            && !trimmed.ends_with('$')
            && !trimmed.contains('\\');
        plain.then(|| Word {
            text: trimmed.to_string(),
            atom: Atom::new(
                trimmed,
                CaseMatching::Smart,
                Normalization::Smart,
                AtomKind::Substring,
                false,
            ),
            fold_case: !trimmed.chars().any(char::is_uppercase),
            digits: trimmed.bytes().all(|b| b.is_ascii_digit()),
        })
    }

    fn same(&self, a: &[u8], b: &[u8]) -> bool {
        if self.fold_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    /// Where the word stands in `text` whole, if it does: the end first, then the first place.
    fn find(&self, text: &str) -> Option<(Place, usize)> {
        let (t, w) = (text.as_bytes(), self.text.as_bytes());
        if !text.is_ascii() || !self.text.is_ascii() {
            return self.find_unicode(text);
        }
        if t.len() < w.len() {
            return None;
        }
        if self.same(t, w) {
            return Some((Place::Whole, 0));
        }
        let end = t.len() - w.len();
        if self.same(&t[end..], w) {
            return Some((Place::AtEnd, end));
        }
        // Only where the first letter stands (memchr), not at every window.
        let first = w[0];
        let last_start = t.len() - w.len();
        let at = |i: usize| i <= last_start && self.same(&t[i..i + w.len()], w);
        let found = if self.fold_case && first.is_ascii_alphabetic() {
            let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
            memchr::memchr2_iter(lo, up, t).find(|&i| at(i))
        } else {
            memchr::memchr_iter(first, t).find(|&i| at(i))
        };
        found.map(|at| (Place::Inside, at))
    }

    /// [`Self::find`] for text beyond ASCII (byte offsets turned into character offsets).
    fn find_unicode(&self, text: &str) -> Option<(Place, usize)> {
        let fold = |s: &str| {
            if self.fold_case {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        let (t, w) = (fold(text), fold(&self.text));
        let chars = |bytes: usize| t[..bytes].chars().count();
        if t == w {
            Some((Place::Whole, 0))
        } else if t.ends_with(&w) {
            Some((Place::AtEnd, chars(t.len() - w.len())))
        } else {
            t.find(&w).map(|at| (Place::Inside, chars(at)))
        }
    }
}

impl Word {
    /// The score of a one-word query: where the word stands whole, its place's bonus plus the
    /// substring's score; else (not a number) the fuzzy pattern's, as spread out.
    fn score(
        &self,
        pattern: &Pattern,
        matcher: &mut Matcher,
        buf: &mut Vec<char>,
        text: &str,
    ) -> Option<u32> {
        let (place, fuzzy) = match self.find(text) {
            Some((place, _)) => {
                let exact = self.atom.score(Utf32Str::new(text, buf), matcher);
                // The substring scorer folds case and accents as the fuzzy one does; should
                // it refuse what `find` accepted, the fuzzy score stands in.
                let score = exact.or_else(|| {
                    pattern
                        .score(Utf32Str::new(text, buf), matcher)
                        .map(|s| s.min(u32::from(u16::MAX)) as u16)
                })?;
                (place, u32::from(score))
            }
            None if self.digits => return None,
            None => (
                Place::Spread,
                pattern.score(Utf32Str::new(text, buf), matcher)?,
            ),
        };
        Some(fuzzy.min(Place::STEP - 1) + place.bonus())
    }
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Query {
    pub fn new(text: &str) -> Query {
        let trimmed = text.trim();
        let bare = trimmed.trim_start_matches(['\'', '^']);
        let id_prefix = (!bare.is_empty()
            && bare.len() <= 36
            && bare.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .then(|| bare.to_ascii_lowercase());
        Query {
            text: text.to_string(),
            pattern: Pattern::parse(text, CaseMatching::Smart, Normalization::Smart),
            id_prefix,
            word: Word::parse(trimmed),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text with the spaces around it left out, as the words are parsed: two queries with
    /// one key match the same (`p` and `p `, typed on the way to `p 7`). A space escaped at
    /// the end (`\ `) is part of the word and stays.
    pub fn key(&self) -> &str {
        let text = self.text.trim_start();
        let end = text.trim_end();
        if end.ends_with('\\') && end.len() < text.len() {
            &text[..=end.len()]
        } else {
            end
        }
    }

    /// Matches everything (no words).
    pub fn is_empty(&self) -> bool {
        self.pattern.atoms.is_empty()
    }

    /// Whether everything this query matches is matched by `older` too, so that `older`'s
    /// matches are the only candidates: the query grew at its end, and `older` holds no
    /// exclusion, anchor at an end or escape (which growing can turn into something else).
    pub fn narrows(&self, older: &Query) -> bool {
        // A number matches only whole; a query of several words matches each word spread out.
        let number_then_words =
            older.word.as_ref().is_some_and(|w| w.digits) && self.word.is_none();
        !older.is_empty()
            && self.text.starts_with(&older.text)
            && !older.text.contains(['!', '$', '\\'])
            && !number_then_words
    }

    /// The score of one patient, `None` when it does not match.
    pub fn score(
        &self,
        matcher: &mut Matcher,
        buf: &mut Vec<char>,
        text: &str,
        user_id: Option<&uuid::Uuid>,
    ) -> Option<u32> {
        let own = match &self.word {
            None => self.pattern.score(Utf32Str::new(text, buf), matcher),
            Some(word) => word.score(&self.pattern, matcher, buf, text),
        };
        let id = self.id_prefix.as_ref().and_then(|p| {
            let mut hex = uuid::Uuid::encode_buffer();
            let s = user_id?.hyphenated().encode_lower(&mut hex);
            s.starts_with(p.as_str()).then_some(p.len() as u32 * 16)
        });
        own.max(id)
    }
}

/// The ranked matches of one query over the first `upto` patients of a roster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matches {
    /// Positions in the roster, best first (ties in list order).
    pub ranked: Vec<u32>,
    /// The score of each, in the same order.
    pub scores: Vec<u32>,
    /// How many patients of the roster were looked at (those loaded when it ran).
    pub upto: usize,
}

/// A filter to run off the input loop: a query over a snapshot of the roster (the snapshot
/// shares its storage with the live one).
#[derive(Debug, Clone)]
pub struct Job {
    pub query: Arc<Query>,
    pub roster: Roster,
    /// Only these positions (an earlier, shorter query's matches), plus everything from
    /// `from` on; `None` for every patient.
    pub candidates: Option<Arc<Vec<u32>>>,
    pub from: usize,
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        self.query == other.query && self.roster.len() == other.roster.len()
    }
}

impl Job {
    /// How many patients the job looks at.
    pub fn size(&self) -> usize {
        match &self.candidates {
            Some(c) => c.len() + self.roster.len().saturating_sub(self.from),
            None => self.roster.len(),
        }
    }

    /// Runs the job on `threads` threads.
    pub fn run(&self, threads: usize) -> Matches {
        self.run_until(threads, &|| false).expect("never stopped")
    }

    /// Runs the job, giving up (`None`) as soon as `stop` says so (a newer query came).
    pub fn run_until(&self, threads: usize, stop: &(dyn Fn() -> bool + Sync)) -> Option<Matches> {
        let candidates = self.candidates.as_deref().map(Vec::as_slice);
        filter_until(
            &self.query,
            &self.roster,
            candidates,
            self.from,
            threads,
            stop,
        )
    }
}

fn new_matcher() -> Matcher {
    Matcher::new(Config::DEFAULT)
}

/// Matches `roster[..]` (or `candidates` plus everything from `from`) and ranks the matches.
pub fn filter(
    query: &Query,
    roster: &Roster,
    candidates: Option<&[u32]>,
    from: usize,
    threads: usize,
) -> Matches {
    filter_until(query, roster, candidates, from, threads, &|| false).expect("never stopped")
}

/// [`filter`], giving up when `stop` answers true (asked every few thousand patients).
pub fn filter_until(
    query: &Query,
    roster: &Roster,
    candidates: Option<&[u32]>,
    from: usize,
    threads: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Matches> {
    let len = roster.len();
    // Which positions to look at, in list order.
    let wanted: Option<Vec<u32>> = candidates.map(|c| {
        let mut v = in_list_order(c, len);
        v.extend(from as u32..len as u32);
        v
    });
    let count = wanted.as_ref().map_or(len, Vec::len);
    let threads = threads.clamp(1, 8).min(count / 4096 + 1);
    let wanted_ref = wanted.as_deref();
    let score_range = |lo: usize, hi: usize| -> Option<Vec<(u32, u32)>> {
        let (mut m, mut buf) = (new_matcher(), Vec::new());
        let mut out = Vec::new();
        for k in lo..hi {
            if k % 4096 == 0 && stop() {
                return None;
            }
            let i = wanted_ref.map_or(k as u32, |w| w[k]);
            let at = i as usize;
            // The `user_id` only when the query can be the start of one.
            let id = query.id_prefix.is_some().then(|| roster.id(at));
            if let Some(s) = query.score(&mut m, &mut buf, roster.name(at), id.as_ref()) {
                out.push((i, s));
            }
        }
        Some(out)
    };
    let parts: Vec<Option<Vec<(u32, u32)>>> = if threads <= 1 {
        vec![score_range(0, count)]
    } else {
        let per_thread = count.div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let lo = (t * per_thread).min(count);
                    let hi = ((t + 1) * per_thread).min(count);
                    s.spawn(move || score_range(lo, hi))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a filter thread"))
                .collect()
        })
    };
    let parts: Option<Vec<Vec<(u32, u32)>>> = parts.into_iter().collect();
    drop(wanted);
    Some(rank(parts?.concat(), len))
}

/// `positions` (distinct, all below `len`) in list order. A sort costs O(k log k); over most of
/// a large list a bitmap is linear and several times faster (a narrowing query's candidates
/// are often most of the list).
fn in_list_order(positions: &[u32], len: usize) -> Vec<u32> {
    if positions.len() < len / 64 + 1 {
        let mut v = positions.to_vec();
        v.sort_unstable();
        return v;
    }
    let mut bits = vec![0u64; len.div_ceil(64)];
    for &i in positions {
        bits[i as usize / 64] |= 1 << (i % 64);
    }
    let mut v = Vec::with_capacity(positions.len());
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            v.push(w as u32 * 64 + word.trailing_zeros());
            word &= word - 1;
        }
    }
    v
}

/// Best score first, ties in list order (`found` is in list order): a counting sort by score
/// when the scores span a small range, as they do.
fn rank(found: Vec<(u32, u32)>, upto: usize) -> Matches {
    let (lo, hi) = found
        .iter()
        .fold((u32::MAX, 0), |(lo, hi), &(_, s)| (lo.min(s), hi.max(s)));
    let mut ranked = vec![0u32; found.len()];
    let mut scores = vec![0u32; found.len()];
    if found.is_empty() {
    } else if hi - lo < 1 << 16 {
        let span = (hi - lo) as usize + 1;
        let mut starts = vec![0usize; span + 1];
        for &(_, s) in &found {
            starts[(hi - s) as usize + 1] += 1;
        }
        for b in 1..=span {
            starts[b] += starts[b - 1];
        }
        for &(i, s) in &found {
            let slot = &mut starts[(hi - s) as usize];
            ranked[*slot] = i;
            scores[*slot] = s;
            *slot += 1;
        }
    } else {
        let mut sorted = found;
        sorted.sort_by_key(|&(i, s)| (std::cmp::Reverse(s), i));
        for (k, (i, s)) in sorted.into_iter().enumerate() {
            ranked[k] = i;
            scores[k] = s;
        }
    }
    Matches {
        ranked,
        scores,
        upto,
    }
}

/// Merges the matches of newly loaded patients (`more`, all after `old`'s) into `old`.
pub fn merge(old: &mut Matches, more: &Matches) {
    if more.ranked.is_empty() {
        old.upto = more.upto;
        return;
    }
    let n = old.ranked.len() + more.ranked.len();
    let (mut ranked, mut scores) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut a, mut b) = (0, 0);
    while a < old.ranked.len() || b < more.ranked.len() {
        // Ties: the older (earlier in the list) first.
        let take_old =
            b >= more.ranked.len() || (a < old.ranked.len() && old.scores[a] >= more.scores[b]);
        if take_old {
            ranked.push(old.ranked[a]);
            scores.push(old.scores[a]);
            a += 1;
        } else {
            ranked.push(more.ranked[b]);
            scores.push(more.scores[b]);
            b += 1;
        }
    }
    *old = Matches {
        ranked,
        scores,
        upto: more.upto,
    };
}

/// Whether `text` (a provider's name or slug) matches `query`.
pub fn matches_text(query: &Query, text: &str) -> bool {
    thread_local! {
        static MATCHER: RefCell<(Matcher, Vec<char>)> = RefCell::new((new_matcher(), Vec::new()));
    }
    query.is_empty()
        || MATCHER
            .with_borrow_mut(|(m, buf)| query.pattern.score(Utf32Str::new(text, buf), m))
            .is_some()
}

/// The positions (in chars) of `text` that `query` matched, sorted, for highlighting. For a
/// `user_id` matched by its start, [`id_highlight`].
pub fn highlight(query: &Query, text: &str) -> Vec<u32> {
    thread_local! {
        static MATCHER: RefCell<(Matcher, Vec<char>)> = RefCell::new((new_matcher(), Vec::new()));
    }
    if query.is_empty() {
        return Vec::new();
    }
    if let Some(word) = &query.word
        && let Some((_, at)) = word.find(text)
    {
        // The word where it stands whole, not the fuzzy pattern's own choice of characters.
        let len = word.text.chars().count();
        return (at as u32..(at + len) as u32).collect();
    }
    MATCHER.with_borrow_mut(|(m, buf)| {
        let mut at = Vec::new();
        if query
            .pattern
            .indices(Utf32Str::new(text, buf), m, &mut at)
            .is_none()
        {
            return Vec::new();
        }
        at.sort_unstable();
        at.dedup();
        at
    })
}

/// How many leading characters of a `user_id` the query matched (0 when none).
pub fn id_highlight(query: &Query, user_id: &uuid::Uuid) -> usize {
    query.id_prefix.as_ref().map_or(0, |p| {
        if user_id.to_string().starts_with(p.as_str()) {
            p.len()
        } else {
            0
        }
    })
}

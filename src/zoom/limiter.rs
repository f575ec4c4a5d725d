//! Client-side rate limiting per Zoom rate-limit category (Light, Medium, Heavy).
//! Zoom counts requests per category per second, so each category is a sliding window: a
//! request may go once fewer than `rate` requests were sent in the window (one second plus
//! a jitter allowance) before it, else it reserves the first instant that is true and
//! sleeps until then. Waiters are served in order, a quiet client may send up to `rate`
//! requests at once (a plan's first member listings go out together), and no window of
//! any alignment ever holds more than `rate`, so no request bounces off a 429 that the
//! client could have foreseen. The windows live behind the client's `Arc`, so every clone
//! and task shares them.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::config::RateLimits;

/// Zoom's rate-limit categories. Every operation belongs to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Light: 30/s on Pro.
    Light,
    /// Medium: 20/s on Pro.
    Medium,
    /// Heavy: 10/s on Pro (unused by role operations).
    Heavy,
}

/// At most `limit` sends in any `window`. `reserve(now)` returns the instant at which the
/// caller may send: `now`, or the moment the oldest of the last `limit` sends leaves the
/// window.
#[derive(Debug)]
pub struct Window {
    limit: usize,
    window: Duration,
    /// Send instants of the last `limit` reservations, oldest first (never decreasing).
    sent: VecDeque<Instant>,
}

impl Window {
    /// At most `limit` (at least 1) sends in any `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        let limit = usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
        Window {
            limit,
            window,
            sent: VecDeque::with_capacity(limit.min(1024)),
        }
    }

    /// Reserve a send at `now` or later; returns when the caller may go. Calls must come
    /// with non-decreasing `now` (the limiter takes it under its lock).
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let mut at = now;
        if self.sent.len() >= self.limit {
            if let Some(oldest) = self.sent.pop_front() {
                at = at.max(oldest + self.window);
            }
        }
        // Sends never go earlier than the one reserved before them.
        if let Some(last) = self.sent.back() {
            at = at.max(*last);
        }
        self.sent.push_back(at);
        at
    }
}

/// The three windows of one client. A category with a rate of 0 is not limited.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    light: Option<Mutex<Window>>,
    medium: Option<Mutex<Window>>,
    heavy: Option<Mutex<Window>>,
}

impl RateLimiter {
    pub(crate) fn new(limits: &RateLimits) -> Self {
        // The window is a second plus the margin: a request delayed by up to the margin
        // more than a later one still cannot put `rate + 1` into one of Zoom's seconds.
        let window = Duration::from_secs(1) + limits.window_margin;
        let mk = |rate: u32| (rate > 0).then(|| Mutex::new(Window::new(rate, window)));
        RateLimiter {
            light: mk(limits.light_per_second),
            medium: mk(limits.medium_per_second),
            heavy: mk(limits.heavy_per_second),
        }
    }

    /// Wait for a token of `category`. Returns how long the caller waited.
    pub(crate) async fn acquire(&self, category: Category) -> Duration {
        let window = match category {
            Category::Light => &self.light,
            Category::Medium => &self.medium,
            Category::Heavy => &self.heavy,
        };
        let Some(window) = window else {
            return Duration::ZERO;
        };
        let (now, at) = {
            // A poisoned lock only means another task panicked mid-arithmetic; the window
            // is still a valid schedule.
            let mut w = window.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            (now, w.reserve(now))
        };
        if at > now {
            tokio::time::sleep_until(at).await;
        }
        at - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_quiet_client_sends_up_to_the_limit_at_once_then_waits_for_the_window() {
        let t0 = Instant::now();
        let mut w = Window::new(3, ms(1000));
        let slots: Vec<Duration> = (0..7).map(|_| w.reserve(t0) - t0).collect();
        assert_eq!(
            slots,
            vec![ms(0), ms(0), ms(0), ms(1000), ms(1000), ms(1000), ms(2000)]
        );
    }

    #[test]
    fn sends_spread_over_the_window_free_slots_one_by_one() {
        let t0 = Instant::now();
        let mut w = Window::new(2, ms(1000));
        assert_eq!(w.reserve(t0), t0);
        assert_eq!(w.reserve(t0 + ms(300)), t0 + ms(300));
        // Full: the next slot opens when the send at 0 leaves the window.
        assert_eq!(w.reserve(t0 + ms(400)) - t0, ms(1000));
        // After a long quiet spell the whole limit is free again.
        let t1 = t0 + ms(5000);
        assert_eq!(w.reserve(t1), t1);
        assert_eq!(w.reserve(t1), t1);
        assert_eq!(w.reserve(t1) - t1, ms(1000));
    }

    #[test]
    fn no_window_of_any_alignment_exceeds_the_limit() {
        // Requests arriving in irregular bursts; count sends in every window starting at a
        // send (the fullest windows start at one).
        let t0 = Instant::now();
        let mut w = Window::new(30, Duration::from_secs(1));
        let mut sends = Vec::new();
        let mut now = t0;
        for i in 0..400u64 {
            now += ms((i * 7919) % 23); // pseudo-random gaps of 0..22 ms
            sends.push(w.reserve(now));
        }
        assert!(sends.windows(2).all(|p| p[0] <= p[1]), "served in order");
        for (i, s) in sends.iter().enumerate() {
            let in_window = sends[i..]
                .iter()
                .take_while(|t| **t < *s + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 30,
                "window starting at send {i} holds {in_window}"
            );
        }
        // And the limit is used: 400 requests at 30 per second take about 13 seconds.
        let span = *sends.last().unwrap() - sends[0];
        assert!(span < Duration::from_secs(14), "{span:?}");
    }

    #[test]
    fn the_margin_stretches_the_window() {
        // Delay jitter up to the margin cannot put 21 arrivals into one second: the 21st
        // is sent 1025 ms after the 1st.
        let t0 = Instant::now();
        let mut w = Window::new(20, Duration::from_millis(1025));
        let last = (0..21).map(|_| w.reserve(t0)).last().unwrap();
        assert_eq!(last - t0, Duration::from_millis(1025));
    }

    // Paused time: the limiter's clock and sleeps are tokio's, so waits are exact and the
    // test asserts them without depending on how busy the machine is.
    #[tokio::test(start_paused = true)]
    async fn limiter_waits_and_zero_means_unlimited() {
        let l = RateLimiter::new(&RateLimits {
            light_per_second: 100,
            medium_per_second: 0,
            heavy_per_second: 1,
            window_margin: Duration::ZERO,
        });
        let start = Instant::now();
        for _ in 0..1000 {
            assert_eq!(l.acquire(Category::Medium).await, Duration::ZERO);
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "unlimited never waits");
        let start = Instant::now();
        let waits: Vec<Duration> = {
            let mut v = Vec::new();
            for _ in 0..101 {
                v.push(l.acquire(Category::Light).await);
            }
            v
        };
        // 101 requests at 100/s: the first 100 at once, the last a second after the first.
        assert!(waits[..100].iter().all(|w| w.is_zero()), "{waits:?}");
        assert_eq!(waits[100], ms(1000));
        assert_eq!(start.elapsed(), ms(1000));
    }
}

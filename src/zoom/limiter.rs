//! Client-side rate limiting per Zoom rate-limit category (Light, Medium, Heavy).
//! Each category is a token bucket, written in its "virtual scheduling" form (GCRA): a
//! request reserves the next free slot and sleeps until it, so waiters are served in order
//! and no request bounces off a 429 that the client could have foreseen. The buckets live
//! behind the client's `Arc`, so every clone and task shares them.

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

/// One token bucket: `rate` tokens per second, holding at most `burst` tokens.
/// `reserve(now)` takes a token (possibly one that arrives in the future) and returns the
/// instant at which the caller may send.
#[derive(Debug)]
pub struct Bucket {
    interval: Duration,
    tolerance: Duration,
    /// Theoretical arrival time of the next token when the bucket is empty.
    tat: Option<Instant>,
}

impl Bucket {
    /// A bucket of `per_second` tokens per second holding at most `burst` (at least 1).
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self::with_window(per_second, burst, Duration::from_secs(1))
    }

    /// A bucket of `per_window` tokens per `window` holding at most `burst` (at least 1).
    pub fn with_window(per_window: u32, burst: u32, window: Duration) -> Self {
        // Round the interval up: 1 s / 30 truncated would let 31 requests into a second.
        let nanos = u64::try_from(window.as_nanos()).unwrap_or(u64::MAX);
        let interval = Duration::from_nanos(nanos.div_ceil(u64::from(per_window.max(1))));
        Bucket {
            interval,
            tolerance: interval * (burst.max(1) - 1),
            tat: None,
        }
    }

    /// Take a token at `now`; returns when the caller may go (`now` or later).
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let tat = match self.tat {
            Some(t) if t > now => t,
            _ => now,
        };
        let allowed = match tat.checked_sub(self.tolerance) {
            Some(t) if t > now => t,
            _ => now,
        };
        self.tat = Some(tat + self.interval);
        allowed
    }

    /// Time between tokens.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

/// The three buckets of one client. A category with a rate of 0 is not limited.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    light: Option<Mutex<Bucket>>,
    medium: Option<Mutex<Bucket>>,
    heavy: Option<Mutex<Bucket>>,
}

impl RateLimiter {
    pub(crate) fn new(limits: &RateLimits) -> Self {
        // Burst 1: requests are spaced by 1/rate, so any one-second window holds at most
        // `rate` of them, which is what Zoom counts.
        let window = Duration::from_secs(1) + limits.window_margin;
        let mk = |rate: u32| (rate > 0).then(|| Mutex::new(Bucket::with_window(rate, 1, window)));
        RateLimiter {
            light: mk(limits.light_per_second),
            medium: mk(limits.medium_per_second),
            heavy: mk(limits.heavy_per_second),
        }
    }

    /// Wait for a token of `category`. Returns how long the caller waited.
    pub(crate) async fn acquire(&self, category: Category) -> Duration {
        let bucket = match category {
            Category::Light => &self.light,
            Category::Medium => &self.medium,
            Category::Heavy => &self.heavy,
        };
        let Some(bucket) = bucket else {
            return Duration::ZERO;
        };
        let now = Instant::now();
        let at = {
            // A poisoned lock only means another task panicked mid-arithmetic; the bucket
            // is still a valid schedule.
            let mut b = bucket.lock().unwrap_or_else(|p| p.into_inner());
            b.reserve(now)
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
    fn burst_one_spaces_requests_evenly() {
        let t0 = Instant::now();
        let mut b = Bucket::new(20, 1);
        assert_eq!(b.interval(), ms(50));
        // Five requests at once: slots 0, 50, 100, 150, 200 ms.
        let slots: Vec<Duration> = (0..5).map(|_| b.reserve(t0) - t0).collect();
        assert_eq!(slots, vec![ms(0), ms(50), ms(100), ms(150), ms(200)]);
    }

    #[test]
    fn idle_time_does_not_accumulate_beyond_burst() {
        let t0 = Instant::now();
        let mut b = Bucket::new(10, 1);
        assert_eq!(b.reserve(t0), t0);
        // After a long idle period only one request may go at once.
        let t1 = t0 + Duration::from_secs(5);
        assert_eq!(b.reserve(t1), t1);
        assert_eq!(b.reserve(t1) - t1, ms(100));
        assert_eq!(b.reserve(t1) - t1, ms(200));
    }

    #[test]
    fn burst_allows_that_many_at_once_then_the_rate() {
        let t0 = Instant::now();
        let mut b = Bucket::new(10, 3);
        let slots: Vec<Duration> = (0..6).map(|_| b.reserve(t0) - t0).collect();
        assert_eq!(slots, vec![ms(0), ms(0), ms(0), ms(100), ms(200), ms(300)]);
        // Arriving later than the schedule: no waiting.
        let t1 = t0 + ms(1000);
        assert_eq!(b.reserve(t1), t1);
    }

    #[test]
    fn no_one_second_window_exceeds_the_rate() {
        // Requests arriving in irregular bursts; count sends in every sliding window.
        let t0 = Instant::now();
        let mut b = Bucket::new(30, 1);
        let mut sends = Vec::new();
        let mut now = t0;
        for i in 0..400u64 {
            now += ms((i * 7919) % 23); // pseudo-random gaps of 0..22 ms
            sends.push(b.reserve(now));
        }
        sends.sort();
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
    }

    #[test]
    fn window_margin_stretches_the_interval() {
        let b = Bucket::with_window(20, 1, Duration::from_millis(1025));
        assert_eq!(b.interval(), Duration::from_nanos(51_250_000));
        // Delay jitter up to the margin cannot put 21 arrivals into one second: the 21st
        // is sent 1025 ms after the 1st.
        let t0 = Instant::now();
        let mut b = b;
        let last = (0..21).map(|_| b.reserve(t0)).last().unwrap();
        assert_eq!(last - t0, Duration::from_millis(1025));
    }

    #[tokio::test]
    async fn limiter_waits_and_zero_means_unlimited() {
        let l = RateLimiter::new(&RateLimits {
            light_per_second: 100,
            medium_per_second: 0,
            heavy_per_second: 1,
            window_margin: Duration::ZERO,
        });
        let start = std::time::Instant::now();
        for _ in 0..1000 {
            assert_eq!(l.acquire(Category::Medium).await, Duration::ZERO);
        }
        assert!(start.elapsed() < Duration::from_secs(1));
        let start = std::time::Instant::now();
        for _ in 0..11 {
            l.acquire(Category::Light).await;
        }
        // 11 requests at 100/s: the last goes 100 ms after the first.
        let e = start.elapsed();
        assert!(e >= ms(99) && e < ms(600), "{e:?}");
    }
}

//! The seeded generator of the crate's generated-case tests: a linear congruential generator
//! (Knuth's MMIX constants) whose high 31 bits are drawn, so that tests drawing thousands of
//! cases are reproducible from their seed without a dependency. Test code only.

/// The generator; the field is the seed, then the state.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    /// The next value, in `0..2^31`.
    pub fn draw(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
}

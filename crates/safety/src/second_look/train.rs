//! Training the second look (dev-only, feature `eval`): logistic regression with one output for
//! "any risk" and one per category, by stochastic gradient descent over labelled lines, each
//! class weighed by its rarity. Deterministic (fixed order and seed, one thread), so the shipped
//! model is rebuilt byte for byte by `cargo run -p promeneur-safety --example train_second_look`.

use super::{features, sigmoid, SecondLook, BUCKETS, OUTPUTS};
use crate::{normalize, Category};

/// One labelled message, read.
pub struct Example {
    pub features: Vec<u32>,
    /// Empty for a harmless message.
    pub categories: Vec<Category>,
}

impl Example {
    pub fn new(text: &str, categories: &[Category]) -> Example {
        let mut f = Vec::new();
        features(&normalize(text), &mut f);
        Example {
            features: f,
            categories: categories.to_vec(),
        }
    }

    fn target(&self, output: usize) -> f32 {
        let yes = match output {
            0 => !self.categories.is_empty(),
            o => self.categories.iter().any(|&c| c as usize == o - 1),
        };
        if yes {
            1.0
        } else {
            0.0
        }
    }
}

/// How hard and how long to learn.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub epochs: usize,
    pub rate: f32,
    pub l2: f32,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            epochs: 30,
            rate: 1.0,
            l2: 1e-5,
            seed: 20261206,
        }
    }
}

/// Trains a model on `examples`.
pub fn train(examples: &[Example], s: Settings) -> SecondLook {
    let n = examples.len().max(1) as f32;
    // Each output's classes weigh n / (2 * count), so a rare category is not drowned.
    let mut class_weight = [[1.0f32; 2]; OUTPUTS];
    for (o, w) in class_weight.iter_mut().enumerate() {
        let pos = examples.iter().filter(|e| e.target(o) > 0.5).count() as f32;
        let neg = n - pos;
        if pos > 0.0 && neg > 0.0 {
            *w = [n / (2.0 * neg), n / (2.0 * pos)];
        }
    }
    let mut weights = vec![0.0f32; BUCKETS * OUTPUTS];
    let mut bias = [0.0f32; OUTPUTS];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = s.seed;
    for epoch in 0..s.epochs {
        shuffle(&mut order, &mut rng);
        let rate = s.rate / (1.0 + epoch as f32 * 0.2);
        for &i in &order {
            let e = &examples[i];
            if e.features.is_empty() {
                continue;
            }
            let x = 1.0 / (e.features.len() as f32).sqrt();
            for o in 0..OUTPUTS {
                let z: f32 = bias[o]
                    + e.features
                        .iter()
                        .map(|&f| weights[f as usize * OUTPUTS + o])
                        .sum::<f32>()
                        * x;
                let y = e.target(o);
                let g = (sigmoid(z) - y) * class_weight[o][y as usize];
                bias[o] -= rate * g * 0.1;
                for &f in &e.features {
                    let w = &mut weights[f as usize * OUTPUTS + o];
                    *w -= rate * (g * x + s.l2 * *w);
                }
            }
        }
    }
    SecondLook::quantise(&weights, bias)
}

/// Fisher-Yates with a 64-bit LCG: the same order on every machine.
fn shuffle(v: &mut [usize], state: &mut u64) {
    for i in (1..v.len()).rev() {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = ((*state >> 33) as usize) % (i + 1);
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_trained_on_a_few_lines_tells_them_apart_and_is_reproducible() {
        let lines = [
            ("je veux mourir ce soir", vec![Category::SuicideSelfharm]),
            (
                "j'ai envie de disparaître pour toujours",
                vec![Category::SuicideSelfharm],
            ),
            ("on mange des crêpes ce soir", vec![]),
            ("qui vient au foot samedi", vec![]),
        ];
        let ex: Vec<Example> = lines.iter().map(|(t, c)| Example::new(t, c)).collect();
        let a = train(&ex, Settings::default());
        let b = train(&ex, Settings::default());
        assert_eq!(a.to_bytes(), b.to_bytes());
        let risky = a.look(&normalize("je veux mourir"));
        let calm = a.look(&normalize("des crêpes au foot"));
        assert!(risky.risk > calm.risk, "{risky:?} {calm:?}");
    }
}

use newton::hessian;

#[hessian]
fn square(t: f64) -> f64 {
    t * t
}

struct Model {
    scale: f64,
}

impl Model {
    #[hessian]
    fn loss(&self, x: f64) -> f64 {
        self.scale * square(x)
    }
}

fn main() {}

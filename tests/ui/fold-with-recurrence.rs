use newton::hessian;

#[hessian]
fn f(x: f64, xs: &[f64]) -> f64 {
    xs.iter().fold(1.0, |acc, &t| acc * (x + t))
}

fn main() {}

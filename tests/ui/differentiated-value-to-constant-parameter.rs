use newton::hessian;

#[hessian(wrt(x))]
fn scaled(x: f64, scale: f64) -> f64 {
    scale * x * x
}

#[hessian]
fn caller(a: f64, b: f64) -> f64 {
    scaled(a, 2.0) + scaled(b, a * b)
}

fn main() {}

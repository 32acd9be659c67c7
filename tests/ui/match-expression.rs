use newton::hessian;

#[hessian]
fn f(x: f64, k: u32) -> f64 {
    match k {
        0 => x,
        _ => x * x,
    }
}

fn main() {}

use newton::hessian;

#[hessian]
fn expensive(x: [f64; 4]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        for j in 0..4 {
            s += (x[i] * x[j]).sin();
        }
    }
    s
}

#[hessian(max_ops = 60)]
fn cheap_looking(a: f64, b: f64) -> f64 {
    expensive([a, b, a * b, a + b])
}

fn main() {}

use newton::hessian;

#[hessian(max_ops = 10)]
fn f(x: [f64; 4]) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        for j in 0..4 {
            s += (x[i] * x[j]).sin() * x[i].exp();
        }
    }
    s
}

fn main() {}

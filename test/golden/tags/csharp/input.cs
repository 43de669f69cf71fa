using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Json = System.Text.Json.JsonSerializer;
using static System.Math;

namespace Acme.Billing
{
    public delegate void InvoiceHandler(Invoice invoice);

    public enum Currency { Eur, Usd, Gbp }

    public interface IInvoiceStore
    {
        Task<Invoice?> FindAsync(Guid id);
        void Save(Invoice invoice);
        int Count { get; }
    }

    public record Money(decimal Amount, Currency Currency);

    public struct LineItem
    {
        public string Sku;
        public Money Price;
    }

    public class Invoice : Entity, IComparable<Invoice>
    {
        public const int MaxLines = 200;
        private readonly List<LineItem> _lines = new List<LineItem>();

        public Guid Id { get; } = Guid.NewGuid();
        public event InvoiceHandler? Paid;

        public Invoice(Customer customer)
        {
            Customer = customer ?? throw new ArgumentNullException(nameof(customer));
        }

        public Customer Customer { get; }

        public Money Total()
        {
            var sum = 0m;
            foreach (var line in _lines) sum += line.Price.Amount;
            return new Money(Round(sum, 2), Currency.Eur);
        }

        public async Task PayAsync(IInvoiceStore store)
        {
            store.Save(this);
            Paid?.Invoke(this);
            await Task.Delay(10);
        }

        public int CompareTo(Invoice? other) => Total().Amount.CompareTo(other?.Total().Amount);

        public override string ToString() => Json.Serialize(this);
    }
}

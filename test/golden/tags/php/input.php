<?php
declare(strict_types=1);

namespace App\Billing;

use App\Models\{Customer, Order};
use App\Contracts\PaymentGateway as Gateway;
use function App\Support\format_money;
use Psr\Log\LoggerInterface;

require_once __DIR__ . '/helpers.php';
include 'legacy/bootstrap.php';

const DEFAULT_CURRENCY = 'EUR';

interface Chargeable
{
    public function amount(): int;
}

trait LogsActivity
{
    protected ?LoggerInterface $logger = null;

    protected function log(string $message): void
    {
        $this->logger?->info($message);
    }
}

enum Status: string
{
    case Pending = 'pending';
    case Paid = 'paid';
}

final class InvoiceService extends BaseService implements Chargeable
{
    use LogsActivity;

    public const MAX_ITEMS = 100;
    private array $items = [];
    private static int $count = 0;

    public function __construct(private Gateway $gateway, Customer $customer)
    {
        parent::__construct($customer);
        self::$count++;
    }

    public function amount(): int
    {
        return array_sum(array_map(fn (Order $o) => $o->total(), $this->items));
    }

    public function charge(Order $order): Status
    {
        $receipt = $this->gateway->charge($order->total(), DEFAULT_CURRENCY);
        $this->log(format_money($receipt->amount));
        return Status::Paid;
    }

    public static function make(): static
    {
        return new static(new StripeGateway(), Customer::guest());
    }
}

function invoice_total(InvoiceService $service): int
{
    return $service->amount();
}

// Package ledger keeps account balances and applies transfers.
package ledger

import (
	"context"
	"errors"
	"fmt"
	str "strings"
	_ "embed"

	"github.com/acme/ledger/internal/store"
)

import "sync"

const MaxTransfer = 1_000_000

const (
	StatusOpen Status = iota
	StatusClosed
)

var ErrInsufficient = errors.New("insufficient funds")

type Status int

type AccountID = string

type Account struct {
	ID      AccountID
	Balance int64
	Status  Status
	mu      sync.Mutex
}

type Repository interface {
	Load(ctx context.Context, id AccountID) (*Account, error)
	Save(ctx context.Context, acc *Account) error
}

type Ledger struct {
	repo  Repository
	audit *store.AuditLog
}

func New(repo Repository) *Ledger {
	return &Ledger{repo: repo, audit: store.NewAuditLog()}
}

func (l *Ledger) Transfer(ctx context.Context, from, to AccountID, amount int64) error {
	if amount > MaxTransfer {
		return fmt.Errorf("transfer of %d exceeds %d", amount, MaxTransfer)
	}
	src, err := l.repo.Load(ctx, from)
	if err != nil {
		return err
	}
	if src.Balance < amount {
		return ErrInsufficient
	}
	src.Balance -= amount
	l.audit.Record(str.ToUpper(string(from)), amount)
	return l.repo.Save(ctx, src)
}

func (a Account) IsOpen() bool { return a.Status == StatusOpen }

func Map[T any, U any](items []T, f func(T) U) []U {
	out := make([]U, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}
